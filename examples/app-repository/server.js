// A minimal HTTP service for the example image: answers /healthz for the
// Deployment's probes and says whether the pod got its workload identity
// (the webhook injects AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE only
// into pods labelled azure.workload.identity/use: "true").
const http = require("http");

const server = http.createServer((req, res) => {
    if (req.url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok\n");
        return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ workloadIdentity: Boolean(process.env.AZURE_CLIENT_ID && process.env.AZURE_FEDERATED_TOKEN_FILE) }) + "\n");
});

server.listen(8080);
