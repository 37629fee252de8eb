/**
 * The whole project type-checks: components, stack, scripts, policy pack and
 * tests, with TypeScript 7 and nodenext resolution (tsconfig.check.json).
 * The compiler ran beside the other tests (tests/typeCheck.ts).
 */
import * as assert from "assert";
import { typeCheck } from "./typeCheck";

describe("type-check: TypeScript 7 over the whole project (npm run typecheck)", function () {
    this.timeout(120000);

    it("finds no type error", async () => {
        const { errors } = await typeCheck.get();
        if (errors !== undefined) {
            assert.fail(`tsc --noEmit -p tsconfig.check.json found errors:\n${errors}`);
        }
    });
});
