using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>
/// The ops console's sessions: an operator signs in once with an admin API key and gets an HttpOnly, SameSite=Strict
/// cookie holding a protected ticket (a session id, the key id, a CSRF token and an expiry — never the key). Each request
/// with it is checked against the session in the store (ended by sign-out or "sign out everywhere": refused) and the key
/// as it is now (revoked or no longer admin: refused), and every state-changing request must also carry the ticket's CSRF
/// token in <see cref="CsrfHeader"/>.
/// </summary>
public static class ConsoleSessions
{
    /// <summary>The authentication scheme of console requests.</summary>
    public const string Scheme = "BridgeConsole";

    /// <summary>The session cookie.</summary>
    public const string CookieName = "bridge_console";

    /// <summary>The header carrying the CSRF token on POST, PUT, PATCH and DELETE.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>How long a console session lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    internal static bool Carries(HttpContext context) => context.Request.Cookies.ContainsKey(CookieName);
}

/// <summary>What the session cookie holds, protected with Data Protection.</summary>
internal sealed record ConsoleTicket(string SessionId, string KeyId, string Csrf, long ExpiresAt);

/// <summary>Issues and reads console tickets.</summary>
internal sealed class ConsoleTickets(IDataProtectionProvider provider, TimeProvider time)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Bridge.OpsConsole.Session.v1");

    public (string Cookie, ConsoleTicket Ticket) Issue(string keyId)
    {
        var ticket = new ConsoleTicket(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), keyId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            (time.GetUtcNow() + ConsoleSessions.Lifetime).ToUnixTimeMilliseconds());
        return (_protector.Protect(JsonSerializer.Serialize(ticket)), ticket);
    }

    /// <summary>The ticket of a cookie, or null when it is not one of ours or has expired.</summary>
    public ConsoleTicket? Read(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        try
        {
            var ticket = JsonSerializer.Deserialize<ConsoleTicket>(_protector.Unprotect(cookie));
            return ticket is { SessionId.Length: 32 } && ticket.ExpiresAt > time.GetUtcNow().ToUnixTimeMilliseconds() ? ticket : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>Authenticates a console request by its session cookie, and refuses a state-changing one without the CSRF token.</summary>
internal sealed class ConsoleSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Credentials credentials,
    ConsoleTickets tickets, ConsoleSessionStore sessions, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (tickets.Read(Request.Cookies[ConsoleSessions.CookieName]) is not { } ticket)
        {
            return BridgeAuthentication.Fail(Context, "The console session is missing or has expired; sign in again.");
        }

        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && !HttpMethods.IsOptions(Request.Method)
            && !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(Request.Headers[ConsoleSessions.CsrfHeader].ToString()), System.Text.Encoding.UTF8.GetBytes(ticket.Csrf)))
        {
            return BridgeAuthentication.Fail(Context, $"A console action must carry the session's CSRF token in {ConsoleSessions.CsrfHeader}.");
        }

        if (!await sessions.IsLiveAsync(ticket.SessionId, Context.RequestAborted))
        {
            return BridgeAuthentication.Fail(Context, "The console session was ended (signed out, or everyone was signed out); sign in again.");
        }

        var credential = await credentials.FindAsync(ticket.KeyId, Context.RequestAborted);
        if (credential is null || credential.Unusable(time.GetUtcNow()) is not null || !credential.Scopes.Contains("admin"))
        {
            return BridgeAuthentication.Fail(Context, "The key this console session was opened with is no longer valid for the console.");
        }

        return BridgeAuthentication.Succeed(credential, Scheme.Name);
    }
}
