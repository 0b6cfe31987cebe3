// A scripted conversation through virtual-alexa against a running skill server.
// Usage: node conversation.js MODEL_FILE SKILL_URL SKILL_ID SCRIPT_JSON
// SCRIPT_JSON is a list of steps: {"launch": true}, {"utter": "..."} or {"intend": "Name"}.
// Prints one JSON object per step: what was sent and the skill's response.
const fs = require("fs");
const va = require("virtual-alexa");

async function main() {
    const [modelFile, skillURL, skillId, scriptFile] = process.argv.slice(2);
    const alexa = va.VirtualAlexa.Builder()
        .interactionModelFile(modelFile)
        .skillURL(skillURL)
        .applicationID(skillId)
        .locale("en-US")
        .create();
    const steps = JSON.parse(fs.readFileSync(scriptFile, "utf8"));
    for (const step of steps) {
        let sent = null;
        alexa.filter((request) => { sent = request.request; });
        let response;
        if (step.launch) {
            response = await alexa.launch();
        } else if (step.intend) {
            response = await alexa.intend(step.intend, step.slots || {});
        } else {
            response = await alexa.utter(step.utter);
        }
        const intent = sent && sent.intent ? sent.intent.name : (sent ? sent.type : null);
        process.stdout.write(JSON.stringify({step, intent, response}) + "\n");
    }
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
});
