// What the page needs to know about where it runs: served beside it as /dashboard/config.json.
export interface Config {
  cognitoEndpoint: string;
  clientId: string;
  /** The dashboard API's base, e.g. "/dashboard/api" or the API Gateway URL. */
  apiBase: string;
  gatewayBaseUrl: string;
  /** Enterprise single sign-on, where the pool federates with identity providers. */
  federation?: {
    /** The user pool's OAuth domain (Cognito's managed login): /oauth2/authorize and /oauth2/token under it. */
    domain: string;
    /** The identity providers' names as the pool knows them, each a "Sign in with …" button. */
    providers: string[];
  };
}

export async function loadConfig(): Promise<Config> {
  const res = await fetch('/dashboard/config.json');
  if (!res.ok) throw new Error('The dashboard configuration could not be loaded.');
  return (await res.json()) as Config;
}
