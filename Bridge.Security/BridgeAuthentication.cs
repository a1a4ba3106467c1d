using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>
/// Bridge's authentication schemes behind one policy scheme (<see cref="Scheme"/>) whose selector picks a handler by the
/// request's headers: a signed request goes to <see cref="HmacScheme"/>, a console session cookie without an Authorization
/// header to <see cref="ConsoleSessions.Scheme"/>, anything else to <see cref="ApiKeyScheme"/>.
/// Another scheme (a JWT bearer for Entra ID) is one more branch in <see cref="Select"/>; endpoints are untouched.
/// </summary>
public static class BridgeAuthentication
{
    /// <summary>The scheme endpoints authenticate with.</summary>
    public const string Scheme = "Bridge";

    /// <summary><c>Authorization: Bearer brk_…</c>.</summary>
    public const string ApiKeyScheme = "BridgeApiKey";

    /// <summary><c>Bridge-Key-Id</c>, <c>Bridge-Timestamp</c>, <c>Bridge-Signature</c>.</summary>
    public const string HmacScheme = "BridgeHmac";

    /// <summary>Header naming the HMAC key.</summary>
    public const string KeyIdHeader = "Bridge-Key-Id";

    /// <summary>Header with the signing time, Unix seconds.</summary>
    public const string TimestampHeader = "Bridge-Timestamp";

    /// <summary>Header with the signature, <c>v1=&lt;base64&gt;</c>.</summary>
    public const string SignatureHeader = "Bridge-Signature";

    internal const string FailureItem = "bridge:authentication-failure";
    internal const string RateClaim = "bridge:rate";
    internal const string KeyClaim = "bridge:key";

    internal static string Select(HttpContext context) =>
        context.Request.Headers.ContainsKey(SignatureHeader) || context.Request.Headers.ContainsKey(KeyIdHeader) ? HmacScheme
        : context.Request.Headers.Authorization.Count == 0 && ConsoleSessions.Carries(context) ? ConsoleSessions.Scheme
        : ApiKeyScheme;

    internal static AuthenticateResult Fail(HttpContext context, string reason)
    {
        context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    internal static AuthenticateResult Succeed(Credential credential, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, credential.PublisherId),
            new(ClaimTypes.Name, credential.PublisherId), // who an action is audited under
            new(BridgeClaims.PublisherId, credential.PublisherId),
            new(KeyClaim, credential.KeyId),
        };
        claims.AddRange(credential.Scopes.Select(s => new Claim(BridgeClaims.Scope, s)));
        if (credential.RateLimitPerSecond is { } rate)
        {
            claims.Add(new Claim(RateClaim, rate.ToString(CultureInfo.InvariantCulture)));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, scheme)), scheme));
    }
}

/// <summary>Authenticates <c>Authorization: Bearer brk_{keyId}_{secret}</c>.</summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Credentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1 || headers[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BridgeAuthentication.Fail(Context, "The Authorization header must be exactly one 'Bearer <API key>'.");
        }

        var check = await credentials.CheckApiKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        return check.Outcome == ApiKeyOutcome.Valid
            ? BridgeAuthentication.Succeed(check.Credential!, Scheme.Name)
            : BridgeAuthentication.Fail(Context, check.Failure!);
    }
}

/// <summary>
/// Authenticates a request signed with an HMAC key: <c>Bridge-Signature: v1=base64(HMAC-SHA256(secret, signed string))</c>
/// (see <see cref="SignedRequests"/>), <c>Bridge-Timestamp</c> at most <see cref="SecurityOptions.HmacWindow"/> old and
/// <see cref="SecurityOptions.HmacClockSkew"/> ahead, each signature accepted once.
/// </summary>
internal sealed partial class HmacHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Credentials credentials,
    HmacSecrets secrets, SeenSignatures seen, IOptions<SecurityOptions> security, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const int MaxSignedBody = 64 * 1024 * 1024;

    [LoggerMessage(Level = LogLevel.Error, Message = "The secret of HMAC key {KeyId} cannot be decrypted with this deployment's Data Protection key ring; its signed calls are refused until the key is rotated")]
    private static partial void LogSecretUnreadable(ILogger logger, string keyId);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        if (headers.Authorization.Count > 0)
        {
            return BridgeAuthentication.Fail(Context, "Send one credential: either an Authorization header or a signature, not both.");
        }

        if (headers[BridgeAuthentication.KeyIdHeader].Count != 1 || headers[BridgeAuthentication.TimestampHeader].Count != 1
            || headers[BridgeAuthentication.SignatureHeader].Count != 1)
        {
            return BridgeAuthentication.Fail(Context, "A signed request carries exactly one each of Bridge-Key-Id, Bridge-Timestamp and Bridge-Signature.");
        }

        var now = time.GetUtcNow();
        var window = security.Value.HmacWindow;
        if (!long.TryParse(headers[BridgeAuthentication.TimestampHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 100_000_000_000 || DateTimeOffset.FromUnixTimeSeconds(seconds) is var signedAt && (now - signedAt > window || signedAt - now > security.Value.HmacClockSkew))
        {
            return BridgeAuthentication.Fail(Context, $"Bridge-Timestamp must be the signing time in Unix seconds: at most {window.TotalSeconds:0} s old and at most {security.Value.HmacClockSkew.TotalSeconds:0} s ahead of the server's clock.");
        }

        if (SignedRequests.ParseSignature(headers[BridgeAuthentication.SignatureHeader].ToString()) is not { } presented)
        {
            return BridgeAuthentication.Fail(Context, "Bridge-Signature must be exactly 'v1=' followed by the padded base64 of the HMAC-SHA256 (44 characters), one value, nothing else.");
        }

        var keyId = headers[BridgeAuthentication.KeyIdHeader].ToString();
        var credential = keyId.Length <= 32 ? await credentials.FindAsync(keyId, Context.RequestAborted) : null;
        if (credential is null || credential.Kind != Credential.HmacKind || credential.ProtectedSecret is null)
        {
            return BridgeAuthentication.Fail(Context, "The signature is not valid.");
        }

        if (secrets.Unprotect(credential.ProtectedSecret) is not { } secret)
        {
            LogSecretUnreadable(Logger, keyId);
            return BridgeAuthentication.Fail(Context, "The signature is not valid.");
        }

        var bodyHash = await HashBodyAsync();
        if (bodyHash is null)
        {
            return BridgeAuthentication.Fail(Context, $"A signed body may not exceed {MaxSignedBody} bytes.");
        }

        if (SignedRequests.Canonical(Request, seconds, bodyHash) is not { } canonical)
        {
            return BridgeAuthentication.Fail(Context, "A signed request carries each signed header (Content-Type, Idempotency-Key, X-Correlation-Id, traceparent, tracestate, ce-*) at most once.");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(canonical));
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return BridgeAuthentication.Fail(Context, "The signature is not valid.");
        }

        if (credential.Unusable(now) is { } reason)
        {
            return BridgeAuthentication.Fail(Context, reason);
        }

        // Remembered until its timestamp is out of the window (and a second more), when the timestamp alone refuses it.
        return seen.Add(keyId, seconds, presented, DateTimeOffset.FromUnixTimeSeconds(seconds) + window + TimeSpan.FromSeconds(1), now)
            ? BridgeAuthentication.Succeed(credential, Scheme.Name)
            : BridgeAuthentication.Fail(Context, "This signature was already used; sign each request afresh.");
    }

    private async Task<string?> HashBodyAsync()
    {
        if (Request.ContentLength > MaxSignedBody)
        {
            return null;
        }

        Request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await Request.Body.ReadAsync(buffer, Context.RequestAborted)) > 0)
        {
            total += read;
            if (total > MaxSignedBody)
            {
                return null;
            }
            hash.AppendData(buffer, 0, read);
        }
        Request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>HMAC secrets at rest, encrypted with ASP.NET Core Data Protection.</summary>
internal sealed class HmacSecrets(IDataProtectionProvider provider) : SecretBox(provider, "Bridge.Security.HmacKeys.v1");
