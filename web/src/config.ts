// What the page needs to know about where it runs: served beside it as /dashboard/config.json.
export interface Config {
  cognitoEndpoint: string;
  clientId: string;
  /** The dashboard API's base, e.g. "/dashboard/api" or the API Gateway URL. */
  apiBase: string;
  gatewayBaseUrl: string;
}

export async function loadConfig(): Promise<Config> {
  const res = await fetch('/dashboard/config.json');
  if (!res.ok) throw new Error('The dashboard configuration could not be loaded.');
  return (await res.json()) as Config;
}
