// Ready-to-run snippets for a key and the gateway's base URL.
export function snippets(baseUrl: string, key: string): Array<{ name: string; code: string }> {
  return [
    {
      name: 'curl',
      code: `curl ${baseUrl}/chat/completions \\\n  -H "Authorization: Bearer ${key}" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "auto", "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      name: 'Python',
      code: `from openai import OpenAI\n\nclient = OpenAI(base_url="${baseUrl}", api_key="${key}")\nanswer = client.chat.completions.create(model="auto", messages=[{"role": "user", "content": "Hello!"}])\nprint(answer.choices[0].message.content)`,
    },
    {
      name: 'Node',
      code: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${baseUrl}', apiKey: '${key}' });\nconst answer = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] });\nconsole.log(answer.choices[0].message.content);`,
    },
  ];
}
