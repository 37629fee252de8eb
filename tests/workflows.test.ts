import * as assert from "assert";
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES } from "../components/githubConstants";
import { AKS_AAD_SERVER_APP_ID, WORKLOAD_IDENTITY } from "../components/microsoftConstants";
import { BUILT_IN_ROLES, PRIVILEGED_ROLE_IDS } from "../components/roles";
import { ACTION_INPUTS } from "./actionInputs";
import {
    actionInputProblems,
    contextNames,
    credentialProblems,
    FORK_GUARD,
    forkGuardProblems,
    idTokenProblems,
    nameProblems,
    parseWorkflow,
    permissionProblems,
    pullRequestTargetProblems,
    pulumiUpProblems,
    schemaProblems,
    Job,
    Workflow,
} from "./workflowChecks";

const ROOT = path.join(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
/** The application repository's workflow: an example for another repository, never live here. */
const EXAMPLE_DIR = path.join(ROOT, "examples", "app-repository", ".github", "workflows");
const ownFiles = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const exampleFiles = readdirSync(EXAMPLE_DIR).filter((f) => /\.ya?ml$/.test(f));
const files = [...ownFiles, ...exampleFiles];
const text = (file: string): string => readFileSync(path.join(exampleFiles.includes(file) ? EXAMPLE_DIR : WORKFLOW_DIR, file), "utf8");
const workflow = (file: string): Workflow => parseWorkflow(text(file));

describe("workflow files", () => {
    it("are this repository's own three, and the application repository's example apart from them", () => {
        assert.deepStrictEqual([...ownFiles].sort(), ["ci.yml", "deploy.yml", "preview.yml"]);
        assert.deepStrictEqual(exampleFiles, ["build-and-push.yml"]);
    });

    for (const file of files) {
        describe(file, () => {
            it("validates against GitHub's workflow schema", () => {
                assert.deepStrictEqual(schemaProblems(text(file)), []);
            });
            it('grants "id-token: write" in every job that logs in with OIDC', () => {
                assert.deepStrictEqual(idTokenProblems(workflow(file)), []);
            });
            it("keeps the workflow-level token read-only", () => {
                assert.deepStrictEqual(permissionProblems(workflow(file)), []);
            });
            it("passes no password, creds or client-secret and runs no docker login", () => {
                assert.deepStrictEqual(credentialProblems(workflow(file)), []);
            });
            it("never runs on pull_request_target", () => {
                assert.deepStrictEqual(pullRequestTargetProblems(workflow(file)), []);
            });
            it("guards every job with secrets or OIDC against pull requests from forks", () => {
                assert.deepStrictEqual(forkGuardProblems(workflow(file)), []);
            });
            it("runs pulumi up only in an environment, one run per stack at a time", () => {
                assert.deepStrictEqual(pulumiUpProblems(workflow(file)), []);
            });
            it("passes every action only inputs its pinned version declares (tests/actionInputs.ts)", () => {
                assert.deepStrictEqual(actionInputProblems(workflow(file), ACTION_INPUTS), []);
            });
        });
    }
});

describe("workflows that reach a cluster through kubelogin's azurecli mode", () => {
    // The OIDC assertion behind azure/login expires within minutes (github.com/Azure/login/issues/180):
    // the AKS token must be fetched right away, not when kubelogin first needs it.
    for (const file of ["build-and-push.yml", "deploy.yml"]) {
        it(`${file}: fetches the AKS AAD server token in the step right after every azure/login`, () => {
            const jobs = Object.entries(workflow(file).jobs ?? {}).filter(([, job]) => (job.steps ?? []).some((s) => s.uses?.startsWith("azure/login@")));
            assert.ok(jobs.length > 0, `${file} logs in to Azure`);
            for (const [name, job] of jobs) {
                const steps = job.steps ?? [];
                const at = steps.findIndex((s) => s.uses?.startsWith("azure/login@"));
                assert.strictEqual(steps[at + 1]?.run, `az account get-access-token --resource ${AKS_AAD_SERVER_APP_ID} --output none`, `job "${name}"`);
            }
        });
    }
});

describe("build-and-push.yml (the app's workflow)", () => {
    const wf = workflow("build-and-push.yml");
    const job = wf.jobs!["build-and-push"];
    const runs = (job.steps ?? []).map((s) => s.run ?? "").join("\n");

    it("reads exactly the secrets and variables the stack writes (components/githubConstants.ts)", () => {
        assert.deepStrictEqual(nameProblems(text("build-and-push.yml"), GITHUB_SECRET_NAMES, GITHUB_VARIABLE_NAMES), []);
    });

    it("logs in to Azure with the three AZURE_* secrets", () => {
        const login = (job.steps ?? []).find((s) => s.uses?.startsWith("azure/login@"));
        assert.deepStrictEqual(login?.with, {
            "client-id": "${{ secrets.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ secrets.AZURE_TENANT_ID }}",
            "subscription-id": "${{ secrets.AZURE_SUBSCRIPTION_ID }}",
        });
    });

    it("runs in the stack's GitHub environment, dev unless a manual run picks prod", () => {
        assert.strictEqual(job.environment, "${{ inputs.environment || 'dev' }}");
        const dispatch = (wf.on as { workflow_dispatch: { inputs: { environment: { options: string[] } } } }).workflow_dispatch;
        assert.deepStrictEqual(dispatch.inputs.environment.options, ["dev", "prod"]);
    });

    it("logs in to the registry named by REGISTRY_LOGIN_SERVER's first label, then builds and pushes the commit SHA", () => {
        assert.match(runs, /az acr login --name "\$\{REGISTRY_LOGIN_SERVER%%\.\*\}"/);
        assert.match(runs, /image="\$REGISTRY_LOGIN_SERVER\/\$IMAGE_NAME:\$GITHUB_SHA"/);
        assert.match(runs, /docker build --tag "\$image" \./);
        assert.match(runs, /docker push "\$image"/);
    });

    it("reaches the cluster through kubelogin's non-interactive azurecli mode and deploys into the namespace", () => {
        assert.match(runs, /az aks get-credentials --resource-group "\$AKS_RESOURCE_GROUP" --name "\$AKS_CLUSTER_NAME"/);
        assert.match(runs, /kubelogin convert-kubeconfig -l azurecli/);
        assert.match(runs, /kubectl --namespace "\$NAMESPACE" apply --filename -/);
        assert.match(runs, /kubectl --namespace "\$NAMESPACE" rollout status "deployment\/\$DEPLOYMENT"/);
    });

    describe("the files it builds and applies (examples/app-repository)", () => {
        const APP = path.join(ROOT, "examples", "app-repository");
        const env = wf.env ?? {};
        const manifestText = readFileSync(path.join(APP, "deploy", "deployment.yaml"), "utf8");
        /** The manifest as the workflow's sed renders it for an image. */
        const rendered = (image: string) => {
            const script = /sed "s\|image: IMAGE\$\|image: \$image\|" deploy\/deployment\.yaml/.exec(runs);
            assert.ok(script, "the deploy step renders deploy/deployment.yaml with sed");
            return parse(manifestText.replace(/image: IMAGE$/gm, `image: ${image}`)) as {
                metadata: { name: string };
                spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: { image: string }[] } } };
            };
        };

        it("has a Dockerfile for the build step's context, running as a numeric non-root user", () => {
            const dockerfile = readFileSync(path.join(APP, "Dockerfile"), "utf8");
            assert.match(dockerfile, /^USER [1-9][0-9]*$/m, "runAsNonRoot can verify only a numeric user");
            for (const copied of [...dockerfile.matchAll(/^COPY (\S+) /gm)].map((m) => m[1])) {
                assert.ok(existsSync(path.join(APP, copied)), `${copied} is copied but missing`);
            }
        });

        it("applies a Deployment named as the workflow's DEPLOYMENT, with the pushed image in its one container", () => {
            const image = "contosogeo.azurecr.io/geofencing-api:0123abc";
            const deployment = rendered(image);
            assert.strictEqual(deployment.metadata.name, env.DEPLOYMENT);
            assert.deepStrictEqual(deployment.spec.template.spec.containers.map((c) => c.image), [image]);
        });

        it("runs its pods as the stack's workload service account, labelled for the workload identity webhook", () => {
            const fixture = parse(readFileSync(path.join(ROOT, "tests", "fixtures", "stacks", "Pulumi.dev.yaml"), "utf8")).config["credless-aks:workloads"] as { name: string; namespace: string; serviceAccount: string }[];
            const workload = fixture.find((w) => w.name === env.DEPLOYMENT);
            assert.ok(workload, `the sample stack has a workload ${env.DEPLOYMENT}`);
            assert.strictEqual(env.NAMESPACE, workload.namespace);
            const pod = rendered("x").spec.template;
            assert.strictEqual(pod.spec.serviceAccountName, workload.serviceAccount);
            assert.strictEqual(pod.metadata.labels[WORKLOAD_IDENTITY.useLabel], "true");
        });
    });
});

describe("preview.yml", () => {
    const wf = workflow("preview.yml");
    const preview = wf.jobs!.preview;
    const planProd = wf.jobs!["plan-prod"];
    const offline = wf.jobs!.offline;
    const steps = preview.steps ?? [];

    it("previews dev through pulumi/actions with the policy pack, in infra-dev-plan", () => {
        assert.strictEqual(preview.environment, "infra-dev-plan");
        const step = steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.deepStrictEqual(step?.with, { command: "preview", "stack-name": "${{ vars.PULUMI_ORG }}/dev", policyPacks: "policy" });
    });

    it("asks for OIDC and comment rights only in the same-repository preview job; prod's pull-request job has no OIDC", () => {
        assert.deepStrictEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.ok(preview.if?.includes(FORK_GUARD));
        assert.deepStrictEqual(planProd.permissions, { contents: "read", "pull-requests": "write" });
        assert.strictEqual(planProd.environment, undefined);
        assert.doesNotMatch(JSON.stringify(planProd), /secrets\.|azure\/login/);
    });

    it("posts one comment per stack holding the offline plan's Markdown (and, for dev, the preview)", () => {
        const plan = steps.find((s) => s.run?.includes("--format markdown"));
        assert.match(plan?.run ?? "", /npm run --silent plan -- dev --format markdown \| tee plan\.md/);
        const compose = steps.find((s) => s.run?.includes("comment.md"));
        assert.match(compose?.run ?? "", /cat plan\.md/);
        assert.match(compose?.run ?? "", /PREVIEW_OUTPUT/);
        const comment = (job: typeof preview) => (job.steps ?? []).find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))?.with;
        assert.deepStrictEqual(comment(preview), { header: "preview-dev", path: "comment.md" });
        assert.deepStrictEqual(comment(planProd), { header: "preview-prod", path: "comment.md" });
        assert.match((planProd.steps ?? []).find((s) => s.run?.includes("--format markdown"))?.run ?? "", /plan -- prod --format markdown/);
    });

    it("gives fork pull requests the tests, the offline plan and the policies, with a read-only token and no secrets", () => {
        assert.strictEqual(offline.if, "github.event.pull_request.head.repo.full_name != github.repository");
        assert.deepStrictEqual(offline.permissions, { contents: "read" });
        assert.deepStrictEqual(
            (offline.steps ?? []).filter((s) => s.run).map((s) => s.run),
            ["npm ci", "npm test", "npm run plan -- dev", "npm run plan -- prod"],
        );
        assert.doesNotMatch(JSON.stringify(offline), /secrets\.|vars\./);
    });

    it("logs in as the plan-time identity, never the apply-time one", () => {
        assert.deepStrictEqual(contextNames(text("preview.yml"), "secrets"), [
            "INFRA_PLAN_CLIENT_ID",
            "INFRA_PLAN_SUBSCRIPTION_ID",
            "INFRA_PLAN_TENANT_ID",
        ]);
    });
});

describe("deploy.yml", () => {
    const wf = workflow("deploy.yml");
    const job = (name: string) => wf.jobs![name] as Job & { needs?: unknown };

    it("runs on pushes to main", () => {
        assert.deepStrictEqual((wf.on as { push: unknown }).push, { branches: ["main"] });
    });

    it("applies dev in infra-dev, previews prod in infra-prod-plan, then applies prod in the protected infra-prod", () => {
        assert.strictEqual(job("up-dev").environment, "infra-dev");
        assert.strictEqual(job("preview-prod").environment, "infra-prod-plan");
        assert.strictEqual(job("preview-prod").needs, "up-dev");
        assert.strictEqual(job("up-prod").environment, "infra-prod");
        assert.strictEqual(job("up-prod").needs, "preview-prod");
    });

    it("logs in as each environment's own identity: apply-time in infra-<env>, plan-time in infra-<env>-plan", () => {
        const secrets = (name: string) => contextNames(JSON.stringify(job(name)), "secrets");
        assert.deepStrictEqual(secrets("up-dev"), ["INFRA_APPLY_CLIENT_ID", "INFRA_APPLY_SUBSCRIPTION_ID", "INFRA_APPLY_TENANT_ID"]);
        assert.deepStrictEqual(secrets("up-prod"), ["INFRA_APPLY_CLIENT_ID", "INFRA_APPLY_SUBSCRIPTION_ID", "INFRA_APPLY_TENANT_ID"]);
        assert.deepStrictEqual(secrets("preview-prod"), ["INFRA_PLAN_CLIENT_ID", "INFRA_PLAN_SUBSCRIPTION_ID", "INFRA_PLAN_TENANT_ID"]);
    });

    it("reads the GitHub App key from Key Vault after azure/login and mints the token from it: no credential in GitHub", () => {
        for (const name of ["up-dev", "up-prod"]) {
            const steps = job(name).steps ?? [];
            const login = steps.findIndex((s) => s.uses?.startsWith("azure/login@"));
            const key = steps.findIndex((s) => s.run?.includes("az keyvault secret show"));
            const token = steps.findIndex((s) => s.uses?.startsWith("actions/create-github-app-token@"));
            assert.ok(login >= 0 && login < key && key < token, `job "${name}": login, key, token in that order`);
            assert.match(steps[key].run ?? "", /::add-mask::/);
            assert.strictEqual(steps[token].with?.["private-key"], "${{ steps.app-key.outputs.private-key }}");
            // The token carries the App installation's permissions (docs/ci-identity.md lists them): a permission-* input
            // would drop every permission it does not name, and v3 has none for Variables.
            assert.deepStrictEqual(Object.keys(steps[token].with ?? {}).filter((k) => k.startsWith("permission-")), []);
            assert.deepStrictEqual(Object.keys(steps[token].with ?? {}).sort(), ["client-id", "owner", "private-key", "repositories"]);
        }
        assert.doesNotMatch(text("deploy.yml"), /PRIVATE_KEY \}\}|secrets\.INFRA_GITHUB_APP/);
    });
});

describe("workflow checks catch what they are for", () => {
    const bad = `
name: bad
on:
  pull_request_target:
  pull_request:
permissions: write-all
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: azure/login@v3
        with:
          creds: \${{ secrets.AZURE_CREDENTIALS }}
      - run: docker login myregistry.azurecr.io --username admin --password "$PW"
      - run: az aks get-credentials --resource-group rg --name aks --admin
  up:
    runs-on: ubuntu-latest
    permissions: write-all
    concurrency:
      group: deploy
    steps:
      - uses: pulumi/actions@v7
        with:
          command: up
          stack-name: org/prod
`;
    const wf = parseWorkflow(bad);

    it("schema: an unknown key and a wrong permission value are errors", () => {
        const problems = schemaProblems("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: maybe\n    steps:\n      - run: echo\n        wth: 1\n");
        assert.ok(problems.some((p) => p.includes("/jobs/a")), problems.join("\n"));
        assert.deepStrictEqual(schemaProblems("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"), []);
    });

    it("id-token: azure/login without the permission", () => {
        assert.deepStrictEqual(idTokenProblems(wf), ['job "deploy" logs in with OIDC but does not grant itself "id-token: write"']);
    });

    it("permissions: write-all at workflow and job level, and a write scope at the top", () => {
        assert.deepStrictEqual(permissionProblems(wf), [
            'the top-level "permissions" is "write-all"; list the scopes instead (contents: read)',
            'job "up" has "permissions: write-all"; list the scopes it needs',
        ]);
        assert.deepStrictEqual(permissionProblems(parseWorkflow("on: push\npermissions:\n  contents: read\n  packages: write\njobs: {}\n")), [
            'the top-level "permissions" grants "packages: write"; grant it in the job that needs it',
        ]);
        assert.deepStrictEqual(permissionProblems(parseWorkflow("on: push\njobs: {}\n")), [
            'the workflow sets no top-level "permissions", so jobs get the repository\'s default token',
        ]);
    });

    it("credentials: creds input, docker login, admin credentials", () => {
        assert.deepStrictEqual(credentialProblems(wf), [
            'job "deploy" passes the credential input "creds" to azure/login@v3',
            'job "deploy" runs "docker login"; use "az acr login" with the job\'s Entra token',
            'job "deploy" asks for admin credentials ("--admin")',
        ]);
        const secretInput = parseWorkflow("on: push\njobs:\n  a:\n    steps:\n      - uses: x/y@v1\n        with:\n          client-secret: s\n          password: p\n");
        assert.deepStrictEqual(credentialProblems(secretInput), [
            'job "a" passes the credential input "client-secret" to x/y@v1',
            'job "a" passes the credential input "password" to x/y@v1',
        ]);
    });

    it("pull_request_target, in every form of on:", () => {
        const message = 'the workflow runs on "pull_request_target", which hands this repository\'s secrets to code from forks';
        assert.deepStrictEqual(pullRequestTargetProblems(wf), [message]);
        assert.deepStrictEqual(pullRequestTargetProblems(parseWorkflow("on: pull_request_target\njobs: {}\n")), [message]);
        assert.deepStrictEqual(pullRequestTargetProblems(parseWorkflow("on: [push, pull_request_target]\njobs: {}\n")), [message]);
    });

    it("fork guard: a pull-request job reading secrets without it", () => {
        assert.deepStrictEqual(forkGuardProblems(wf), [
            `job "deploy" reads secrets or an OIDC token on pull requests but lacks the fork guard "if: ${FORK_GUARD}"`,
        ]);
        const oidcOnly = parseWorkflow("on: pull_request\njobs:\n  a:\n    if: always()\n    permissions:\n      id-token: write\n    steps: []\n");
        assert.deepStrictEqual(forkGuardProblems(oidcOnly), [
            `job "a" reads secrets or an OIDC token on pull requests but lacks the fork guard "if: ${FORK_GUARD}"`,
        ]);
        assert.deepStrictEqual(forkGuardProblems(parseWorkflow("on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ secrets.X }}\n")), []);
    });

    it("secret names: one missing, one extra, both contexts", () => {
        const workflowText = "env:\n  A: ${{ secrets.AZURE_CLIENT_ID }}\n  B: ${{ secrets.ACR_PASSWORD }}\n  C: ${{ vars.AKS_CLUSTER_NAME }}\n";
        assert.deepStrictEqual(nameProblems(workflowText, ["AZURE_CLIENT_ID", "AZURE_TENANT_ID"], ["AKS_CLUSTER_NAME", "AKS_RESOURCE_GROUP"]), [
            "secrets.AZURE_TENANT_ID is written by the stack but never read by the workflow",
            "secrets.ACR_PASSWORD is read by the workflow but not written by the stack",
            "vars.AKS_RESOURCE_GROUP is written by the stack but never read by the workflow",
        ]);
    });

    it("pulumi up: wrong concurrency group, no environment", () => {
        assert.deepStrictEqual(pulumiUpProblems(wf), [
            'job "up" runs "pulumi up" on prod without "concurrency: { group: pulumi-prod, cancel-in-progress: false }"',
            'job "up" runs "pulumi up" outside a GitHub environment',
        ]);
    });

    it("action inputs: an input the pinned version does not declare, and an action missing from the table", () => {
        const token = parseWorkflow(`
on: push
permissions:
  contents: read
jobs:
  up:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/create-github-app-token@v3
        with:
          client-id: x
          private-key: y
          permission-variables: write
      - uses: someone/unknown-action@v1
`);
        assert.deepStrictEqual(actionInputProblems(token, ACTION_INPUTS), [
            'job "up" passes "permission-variables" to actions/create-github-app-token@v3, which declares no such input',
            'job "up" uses someone/unknown-action@v1, which is not in the table of pinned actions\' inputs',
        ]);
    });
});

describe("docs/ci-identity.md", () => {
    const doc = readFileSync(path.join(ROOT, "docs", "ci-identity.md"), "utf8");

    it("lets the apply-time identity assign exactly the stack's non-privileged built-in roles", () => {
        const block = /ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/.exec(doc);
        assert.ok(block, "no role condition in the doc");
        const allowed = block[1].split(",").map((id) => id.trim()).sort();
        const expected = Object.values(BUILT_IN_ROLES)
            .filter((id) => !PRIVILEGED_ROLE_IDS.includes(id))
            .sort();
        assert.deepStrictEqual(allowed, expected);
        // The write and the delete half of the condition list the same roles.
        const halves = [...doc.matchAll(/ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)].map((m) => m[1]);
        assert.ok(halves.length >= 2 && halves.every((h) => h === halves[0]));
    });

    it("names the workflows' secrets and environments as they are spelled there", () => {
        for (const name of [...contextNames(text("preview.yml"), "secrets"), ...contextNames(text("deploy.yml"), "secrets")]) {
            assert.ok(doc.includes(name), `${name} is not documented`);
        }
        for (const subject of [
            "repo:OWNER/REPO:environment:infra-dev-plan",
            "repo:OWNER/REPO:environment:infra-prod-plan",
            "repo:OWNER/REPO:environment:infra-dev",
            "repo:OWNER/REPO:environment:infra-prod",
        ]) {
            assert.ok(doc.includes(subject), `${subject} is not documented`);
        }
    });
});
