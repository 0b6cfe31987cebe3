// Validate an APL document and its datasources with Amazon's apl-suggester.
// stdin: {"document": {...}, "datasources": {...}}; stdout: a JSON list of findings.
const { StaticAplTemplateValidator } = require("apl-suggester");

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const { document, datasources } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const validator = new StaticAplTemplateValidator();
    const findings = [
        ...(await validator.validate(document)),
        ...(await validator.validateDataSources(datasources)),
    ];
    process.stdout.write(JSON.stringify(findings));
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
});
