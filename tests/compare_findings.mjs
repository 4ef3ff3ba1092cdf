// Compares two `check --format json` outputs (e.g. of the Linux and the Windows build on the
// same tree): the same findings, in the same order, at the same places. Paths are compared
// with `/` for `\`; fingerprints are left out (they are checked by the check tests).
//   node tests/compare_findings.mjs EXPECTED.json ACTUAL.json
import * as fs from 'node:fs';

const [expectedFile, actualFile] = process.argv.slice(2);
if (!expectedFile || !actualFile) {
    console.error('usage: node tests/compare_findings.mjs EXPECTED.json ACTUAL.json');
    process.exit(2);
}
const slash = (s) => (typeof s === 'string' ? s.replaceAll('\\', '/') : s);
function load(file) {
    const findings = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(findings)) throw new Error(`${file}: not an array of findings`);
    return findings.map((f) =>
        JSON.stringify({
            path: slash(f.path),
            at: [f.line, f.column, f.endLine, f.endColumn],
            severity: f.severity,
            code: f.code,
            message: slash(f.message),
            related: (f.related ?? []).map((r) => [slash(r.path), r.line, r.column, slash(r.message)]),
        }),
    );
}
const expected = load(expectedFile);
const actual = load(actualFile);
let differences = 0;
for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i] !== actual[i]) {
        console.log(`finding ${i + 1}:\n  expected ${expected[i] ?? '(none)'}\n  actual   ${actual[i] ?? '(none)'}`);
        differences++;
    }
}
if (expected.length === 0) {
    console.log(`${expectedFile} has no findings: nothing was compared`);
    process.exit(1);
}
console.log(differences === 0 ? `the same ${expected.length} findings` : `${differences} findings differ`);
process.exit(differences === 0 ? 0 : 1);
