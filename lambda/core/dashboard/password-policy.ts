// The dashboard users' password policy: one source for the stack's user pool and the local Cognito.
export const PASSWORD_POLICY = { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } as const;
