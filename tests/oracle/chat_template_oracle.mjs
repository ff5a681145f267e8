// Renders every conversation of tests/data/chat_conversations.json with every real chat template
// listed there, using the official @huggingface/jinja (the reference renderer of the Hugging Face
// JS stack), and writes the results to <testdata>/chat_template_expected.json for
// tests/unit/chat_template_parity_test.cpp. Run by scripts/fetch-testdata on every `make test`;
// the output is never committed or edited by hand.
//
// The render context mirrors transformers' apply_chat_template: the special-token strings from
// tokenizer_config.json, messages, tools (null when absent), documents (null), add_generation_prompt,
// then the file's shared context and the conversation's extra kwargs.
//
// Usage: node tests/oracle/chat_template_oracle.mjs build/testdata
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const testdata = process.argv[2];
if (!testdata) {
  console.error("usage: node tests/oracle/chat_template_oracle.mjs <testdata dir>");
  process.exit(2);
}
const jinjaPath = resolve(testdata, "huggingface-jinja-0.5.11/package/dist/index.js");
const { Template, Environment } = await import(pathToFileURL(jinjaPath).href);

const inputPath = "tests/data/chat_conversations.json";
const inputText = readFileSync(inputPath, "utf8");
const spec = JSON.parse(inputText);

const SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];
const tokenText = (t) => (typeof t === "string" ? t : t.content);

function specialTokens(config) {
  const out = {};
  for (const key of SPECIAL_TOKEN_KEYS) if (config[key] != null) out[key] = tokenText(config[key]);
  if (Array.isArray(config.additional_special_tokens))
    out.additional_special_tokens = config.additional_special_tokens.map(tokenText);
  return out;
}

// Tags errors thrown by the template's own raise_exception, so the C++ test can demand the same message.
class RaisedByTemplate extends Error {}

// The package's own raise_exception throws a plain Error, like every other failure. Its globals
// are installed through Environment.set, so intercepting that one name tags the template's raises.
const installGlobal = Environment.prototype.set;
Environment.prototype.set = function (name, value) {
  if (name === "raise_exception")
    value = (message) => {
      throw new RaisedByTemplate(message);
    };
  return installGlobal.call(this, name, value);
};

const cases = [];
for (const [templateName, packageDir] of Object.entries(spec.templates)) {
  const config = JSON.parse(readFileSync(join(testdata, packageDir, "package/models/tokenizer_config.json"), "utf8"));
  const template = new Template(config.chat_template);
  for (const conversation of spec.conversations) {
    for (const addGenerationPrompt of [true, false]) {
      const context = {
        ...specialTokens(config),
        messages: conversation.messages,
        tools: conversation.tools ?? null,
        documents: null,
        add_generation_prompt: addGenerationPrompt,
        ...spec.context,
        ...(conversation.extra ?? {}),
      };
      const result = { template: templateName, conversation: conversation.name, add_generation_prompt: addGenerationPrompt };
      try {
        result.output = template.render(context);
      } catch (e) {
        if (e instanceof RaisedByTemplate) result.raised = e.message;
        else result.error = String(e.message ?? e);
      }
      cases.push(result);
    }
  }
}

const outPath = join(testdata, "chat_template_expected.json");
writeFileSync(outPath, JSON.stringify({ oracle: "@huggingface/jinja@0.5.11", input: inputText, cases }, null, 1));
console.log(`chat_template_oracle: ${cases.length} renders -> ${outPath}`);
