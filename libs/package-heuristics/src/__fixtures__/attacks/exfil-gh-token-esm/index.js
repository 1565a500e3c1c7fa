export default (rows) => rows.map((r) => `| ${r.join(" | ")} |`).join("\n");
