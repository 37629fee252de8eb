import * as assert from "assert";
import {
    apiClientId,
    apiDisplayName,
    apiPermissionKey,
    apiRule,
    closeMatches,
    MICROSOFT_GRAPH_CLIENT_ID,
    permissionNameRule,
    PublishedAppRole,
    resolveAppRoleId,
    TENANT_TAKEOVER_PERMISSIONS,
    tenantTakeoverPermissionOf,
    tenantTakeoverRule,
} from "../components/apiPermissions";
import { FAKE_GRAPH_SERVICE_PRINCIPAL } from "./harness";

const GRAPH_ROLES: PublishedAppRole[] = FAKE_GRAPH_SERVICE_PRINCIPAL.appRoles;
const OTHER_API = "6f0851df-7654-4f88-a94e-bb9e539917dc";

describe("apiPermissions: naming the API", () => {
    const cases: [string, string | undefined, string][] = [
        ["Microsoft Graph", MICROSOFT_GRAPH_CLIENT_ID, "Microsoft Graph"],
        ["00000003-0000-0000-C000-000000000000", MICROSOFT_GRAPH_CLIENT_ID, "Microsoft Graph"],
        [OTHER_API, OTHER_API, OTHER_API],
        ["microsoft graph", undefined, "microsoft graph"],
        ["Graph", undefined, "Graph"],
    ];
    for (const [api, clientId, display] of cases) {
        it(`${JSON.stringify(api)} -> ${clientId ?? "refused"}`, () => {
            assert.strictEqual(apiClientId(api), clientId);
            assert.strictEqual(apiDisplayName(api), display);
            assert.strictEqual(apiRule(api), clientId ? undefined : 'must be "Microsoft Graph" or the client (application) id of the API, a GUID');
        });
    }
});

describe("apiPermissions: tenant-takeover permissions", () => {
    it("refuses each listed Graph permission, in any letter case, naming it and why", () => {
        for (const [name, { why }] of Object.entries(TENANT_TAKEOVER_PERMISSIONS)) {
            const expected = `is refused: a workload holding Microsoft Graph ${name} could take over the tenant: ${why}`;
            assert.strictEqual(tenantTakeoverRule("Microsoft Graph", name), expected);
            assert.strictEqual(tenantTakeoverRule(MICROSOFT_GRAPH_CLIENT_ID, name.toUpperCase()), expected);
        }
    });

    it("says why for the four the issue names", () => {
        assert.strictEqual(
            tenantTakeoverRule("Microsoft Graph", "RoleManagement.ReadWrite.Directory"),
            "is refused: a workload holding Microsoft Graph RoleManagement.ReadWrite.Directory could take over the tenant: it manages directory role membership, so the workload could make any principal, itself included, a Global Administrator",
        );
        for (const name of ["AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "Directory.ReadWrite.All"]) {
            assert.ok(tenantTakeoverRule("Microsoft Graph", name), name);
        }
    });

    it("allows read permissions, and leaves other APIs' permissions of the same name alone", () => {
        for (const name of ["User.Read.All", "Directory.Read.All", "Application.Read.All", "Group.Read.All"]) {
            assert.strictEqual(tenantTakeoverRule("Microsoft Graph", name), undefined, name);
        }
        assert.strictEqual(tenantTakeoverRule(OTHER_API, "Directory.ReadWrite.All"), undefined);
    });

    it("knows each listed permission's Graph app role id, as Graph's service principal publishes it", () => {
        for (const [name, { appRoleId }] of Object.entries(TENANT_TAKEOVER_PERMISSIONS)) {
            assert.strictEqual(tenantTakeoverPermissionOf(appRoleId), name);
            assert.strictEqual(tenantTakeoverPermissionOf(appRoleId.toUpperCase()), name);
            const published = GRAPH_ROLES.find((r) => r.value === name);
            if (published) {
                assert.strictEqual(published.id, appRoleId, name);
            }
        }
        assert.strictEqual(tenantTakeoverPermissionOf("df021288-bdef-4463-88db-98f22de89214"), undefined);
    });
});

describe("apiPermissions: permission names", () => {
    const rule = "must be an application permission's value as the API publishes it, such as \"User.Read.All\": letters, digits, '.', '-' or '_'";
    const cases: [string, string | undefined][] = [
        ["User.Read.All", undefined],
        ["Application-RemoteDesktopConfig.ReadWrite.All", undefined],
        ["User Read All", rule],
        ["", rule],
        [".User", rule],
        ["a".repeat(121), rule],
    ];
    for (const [value, expected] of cases) {
        it(`${JSON.stringify(value.slice(0, 20))}`, () => assert.strictEqual(permissionNameRule(value), expected));
    }
});

describe("apiPermissions: finding the app role id", () => {
    it("finds User.Read.All's published id", () => {
        assert.deepStrictEqual(resolveAppRoleId("Microsoft Graph", "User.Read.All", GRAPH_ROLES), { id: "df021288-bdef-4463-88db-98f22de89214" });
    });

    it("fails on an unknown name with the close matches, closest first", () => {
        assert.deepStrictEqual(resolveAppRoleId("Microsoft Graph", "User.Read.Al", GRAPH_ROLES), {
            error: 'Microsoft Graph publishes no application permission "User.Read.Al"; close matches: User.Read.All, User.ReadBasic.All, User.ReadWrite.All, User.Export.All',
        });
        assert.deepStrictEqual(resolveAppRoleId("Microsoft Graph", "Users.Read.All", GRAPH_ROLES), {
            error: 'Microsoft Graph publishes no application permission "Users.Read.All"; close matches: User.Read.All',
        });
    });

    it("matches values exactly: letter case counts, as in Entra ID", () => {
        const result = resolveAppRoleId("Microsoft Graph", "user.read.all", GRAPH_ROLES);
        assert.ok("error" in result && result.error.includes("close matches: User.Read.All"), JSON.stringify(result));
    });

    it("says when nothing is close", () => {
        assert.deepStrictEqual(resolveAppRoleId("Microsoft Graph", "Xyzzy", GRAPH_ROLES), {
            error: 'Microsoft Graph publishes no application permission "Xyzzy"; no published application permission is close to it',
        });
    });

    it("grants only roles published for applications, and enabled", () => {
        const roles: PublishedAppRole[] = [
            { id: "11111111-1111-4111-8111-111111111111", value: "Reports.Read", allowedMemberTypes: ["User"], enabled: true },
            { id: "22222222-2222-4222-8222-222222222222", value: "Reports.Write", allowedMemberTypes: ["Application"], enabled: false },
        ];
        assert.deepStrictEqual(resolveAppRoleId("Reports API", "Reports.Read", roles), {
            error: 'Reports API publishes no application permission "Reports.Read"; close matches: Reports.Write',
        });
        assert.deepStrictEqual(resolveAppRoleId("Reports API", "Reports.Write", roles), {
            error: `Reports API's application permission "Reports.Write" (22222222-2222-4222-8222-222222222222) is disabled and cannot be granted`,
        });
    });

    it("closeMatches keeps at most five", () => {
        const many = Array.from({ length: 9 }, (_, i) => `User.Read${i}`);
        assert.strictEqual(closeMatches("User.Read", many).length, 5);
    });
});

describe("apiPermissions: resource names", () => {
    it("derives a stable name fragment from API and permission", () => {
        assert.strictEqual(apiPermissionKey("Microsoft Graph", "User.Read.All"), "graph-user-read-all");
        assert.strictEqual(apiPermissionKey(MICROSOFT_GRAPH_CLIENT_ID, "User.Read.All"), "graph-user-read-all");
        assert.strictEqual(apiPermissionKey(OTHER_API, "Reports.Read"), `${OTHER_API}-reports-read`);
    });
});
