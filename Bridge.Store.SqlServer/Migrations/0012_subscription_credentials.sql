-- 0012 subscription credentials: the secret values of the credentials an API-made subscription sends to its endpoint
-- (static header values, Basic password, OAuth client secret), encrypted; null when it has none. What is not secret
-- about them (header names, user name, token URL, client id, scope) is kept in "Settings".

ALTER TABLE subscriptions ADD "ProtectedCredentials" nvarchar(max);
