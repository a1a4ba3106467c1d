using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Security;

/// <summary>Signs an operator in and out of the ops console.</summary>
public static class ConsoleSessionApi
{
    /// <summary>
    /// Maps <c>/console/session</c>: POST signs in with an admin key, GET reads the session, DELETE signs out (ending the
    /// session server-side); and <c>POST /api/console-sessions/end-all</c>: an admin signs every operator out.
    /// </summary>
    public static IEndpointRouteBuilder MapConsoleSessionApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/console/session").WithTags("Console").ExcludeFromDescription();
        api.MapPost("/", SignInAsync).DisableAntiforgery();
        api.MapGet("/", Current);
        api.MapDelete("/", SignOutAsync);
        app.MapPost("/api/console-sessions/end-all", EndAllAsync).RequireAdmin().WithTags("Publishers").WithName("EndConsoleSessions")
            .WithSummary("Sign every operator out of the console")
            .WithDescription("Ends every open console session (only those of one operator with ?publisherId=), at once in this process and within Bridge:Security:KeyCacheDuration in the others. Logged with who did it.");
        return app;
    }

    private static async Task<Results<Ok<ConsoleSessionResource>, ProblemHttpResult, EmptyHttpResult>> SignInAsync(
        ConsoleSignIn? request, HttpContext context, Credentials credentials, ConsoleTickets tickets, ConsoleSessionStore sessions, AuthenticationThrottle throttle)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        var keyId = ApiKeys.TryParse(request?.Key?.Trim(), out var presented, out _) ? presented : null;
        if (throttle.RetryAfter(address, keyId) is { } wait)
        {
            await AuthenticationThrottle.RefuseAsync(context, wait);
            return TypedResults.Empty;
        }

        var check = request?.Key is { Length: > 0 } key ? await credentials.CheckApiKeyAsync(key.Trim(), context.RequestAborted) : null;
        if (check is null || check.Outcome == ApiKeyOutcome.Malformed)
        {
            throttle.Failed(address, null);
            return SecurityProblems.Invalid(new Dictionary<string, string[]> { ["key"] = ["An admin API key (brk_…) is required."] });
        }

        if (check.Outcome != ApiKeyOutcome.Valid)
        {
            throttle.Failed(address, keyId);
            return SecurityProblems.Unauthenticated("The API key is not valid.");
        }

        var credential = check.Credential!;
        if (!credential.Scopes.Contains("admin"))
        {
            return SecurityProblems.Forbidden("The console needs a key with the admin scope.");
        }

        var (cookie, ticket) = tickets.Issue(credential.KeyId);
        await sessions.OpenAsync(ticket.SessionId, credential, DateTimeOffset.FromUnixTimeMilliseconds(ticket.ExpiresAt), context.RequestAborted);
        context.Response.Cookies.Append(ConsoleSessions.CookieName, cookie, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = DateTimeOffset.FromUnixTimeMilliseconds(ticket.ExpiresAt),
        });
        return TypedResults.Ok(new ConsoleSessionResource(credential.PublisherId, ticket.Csrf, DateTimeOffset.FromUnixTimeMilliseconds(ticket.ExpiresAt)));
    }

    /// <summary>The open session, or 204 when there is none (not an error: the console then shows its sign-in form).</summary>
    private static Results<Ok<ConsoleSessionResource>, NoContent> Current(HttpContext context, ConsoleTickets tickets)
    {
        var ticket = tickets.Read(context.Request.Cookies[ConsoleSessions.CookieName]);
        var admin = context.User.Identity?.AuthenticationType == ConsoleSessions.Scheme && BridgeClaims.ScopesOf(context.User).Contains("admin");
        return ticket is null || !admin
            ? TypedResults.NoContent()
            : TypedResults.Ok(new ConsoleSessionResource(BridgeClaims.PublisherOf(context.User), ticket.Csrf, DateTimeOffset.FromUnixTimeMilliseconds(ticket.ExpiresAt)));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, ConsoleTickets tickets, ConsoleSessionStore sessions)
    {
        if (tickets.Read(context.Request.Cookies[ConsoleSessions.CookieName]) is { } ticket)
        {
            await sessions.EndAsync(ticket.SessionId, BridgeClaims.PublisherOf(context.User) is { Length: > 0 } who ? who : "(its operator)", context.RequestAborted);
        }
        context.Response.Cookies.Delete(ConsoleSessions.CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, HttpOnly = true });
        return TypedResults.NoContent();
    }

    private static async Task<Ok<EndedSessions>> EndAllAsync(string? publisherId, HttpContext context, ConsoleSessionStore sessions) =>
        TypedResults.Ok(new EndedSessions(await sessions.EndAllAsync(publisherId, BridgeClaims.PublisherOf(context.User), context.RequestAborted)));
}

/// <summary>What "sign out everywhere" ended.</summary>
/// <param name="Ended">How many open console sessions were ended.</param>
public sealed record EndedSessions(int Ended);

/// <summary>Signing in to the console.</summary>
/// <param name="Key">An API key with the admin scope.</param>
public sealed record ConsoleSignIn(string? Key);

/// <summary>An open console session.</summary>
/// <param name="Operator">The publisher (operator) the key belongs to: actions are audited under it.</param>
/// <param name="CsrfToken">Send it in <c>X-CSRF-Token</c> with every action.</param>
/// <param name="ExpiresAt">When the session ends.</param>
public sealed record ConsoleSessionResource(string Operator, string CsrfToken, DateTimeOffset ExpiresAt);
