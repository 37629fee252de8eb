import * as assert from "assert";
import fc from "fast-check";
import { editDistance, ipv4CidrRule } from "../components/validation";

const RULE = "must be an IPv4 address or CIDR range such as 203.0.113.0/24";
const octet = fc.integer({ min: 0, max: 255 });

describe("validation: ipv4CidrRule", () => {
    it("accepts addresses and ranges at the edges", () => {
        for (const ok of ["0.0.0.0", "0.0.0.0/0", "255.255.255.255/32", "203.0.113.0/24", "10.0.0.1", "100.64.0.0/10"]) {
            assert.strictEqual(ipv4CidrRule(ok), undefined, ok);
        }
    });

    it("rejects leading zeros, out-of-range octets and prefixes, and other shapes, with the rule", () => {
        for (const bad of ["010.1.1.1", "10.01.1.1", "10.1.1.00", "10.0.0.0/08", "10.0.0.0/00", "256.0.0.0", "10.0.0.0/33", "1.2.3", "1.2.3.4/", "1.2.3.4 ", "::1", "a.b.c.d", ""]) {
            assert.strictEqual(ipv4CidrRule(bad), RULE, bad);
        }
    });

    it("accepts every dotted-decimal address and prefix written without leading zeros (property)", () => {
        fc.assert(
            fc.property(fc.tuple(octet, octet, octet, octet), fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }), (octets, prefix) => {
                const value = octets.join(".") + (prefix === undefined ? "" : `/${prefix}`);
                assert.strictEqual(ipv4CidrRule(value), undefined, value);
            }),
        );
    });

    it("rejects any octet above 255 or written with a leading zero (property)", () => {
        const badOctet = fc.oneof(
            fc.integer({ min: 256, max: 999 }).map(String),
            fc.integer({ min: 0, max: 99 }).map((n) => `0${n}`),
        );
        fc.assert(
            fc.property(fc.tuple(octet, octet, octet), badOctet, fc.integer({ min: 0, max: 3 }), (good, bad, at) => {
                const parts = good.map(String);
                parts.splice(at, 0, bad);
                assert.strictEqual(ipv4CidrRule(parts.join(".")), RULE, parts.join("."));
            }),
        );
    });

    it("rejects any prefix above 32 or written with a leading zero (property)", () => {
        const badPrefix = fc.oneof(fc.integer({ min: 33, max: 99 }).map(String), fc.integer({ min: 0, max: 9 }).map((n) => `0${n}`));
        fc.assert(fc.property(badPrefix, (prefix) => assert.strictEqual(ipv4CidrRule(`10.0.0.0/${prefix}`), RULE, prefix)));
    });
});

describe("validation: editDistance", () => {
    const cases: [string, string, number][] = [
        ["", "", 0],
        ["", "abc", 3],
        ["kitten", "sitting", 3],
        ["workload", "workloads", 1],
        ["User.Read.All", "user.read.all", 0],
        ["Application.ReadWrite.Owned", "Application.ReadWrite.OwnedBy", 2],
    ];
    for (const [a, b, d] of cases) {
        it(`${JSON.stringify(a)} to ${JSON.stringify(b)} is ${d}, either way round`, () => {
            assert.strictEqual(editDistance(a, b), d);
            assert.strictEqual(editDistance(b, a), d);
        });
    }
});
