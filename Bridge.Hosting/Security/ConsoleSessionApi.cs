using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Hosting.Security;

/// <summary>Signs an operator in and out of the ops console.</summary>
public static class ConsoleSessionApi
{
    /// <summary>Maps <c>/console/session</c>: POST signs in with an admin key, GET reads the session, DELETE signs out.</summary>
    public static IEndpointRouteBuilder MapConsoleSessionApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/console/session").WithTags("Console").ExcludeFromDescription();
        api.MapPost("/", SignInAsync).DisableAntiforgery();
        api.MapGet("/", Current);
        api.MapDelete("/", SignOut);
        return app;
    }

    private static async Task<Results<Ok<ConsoleSessionResource>, ProblemHttpResult>> SignInAsync(
        ConsoleSignIn? request, HttpContext context, Credentials credentials, ConsoleTickets tickets)
    {
        var check = request?.Key is { Length: > 0 } key ? await credentials.CheckApiKeyAsync(key.Trim(), context.RequestAborted) : null;
        if (check is null || check.Outcome == ApiKeyOutcome.Malformed)
        {
            return SecurityProblems.Invalid(new Dictionary<string, string[]> { ["key"] = ["An admin API key (brk_…) is required."] });
        }

        if (check.Outcome != ApiKeyOutcome.Valid)
        {
            return SecurityProblems.Unauthenticated("The API key is not valid.");
        }

        var credential = check.Credential!;
        if (!credential.Scopes.Contains("admin"))
        {
            return SecurityProblems.Forbidden("The console needs a key with the admin scope.");
        }

        var (cookie, ticket) = tickets.Issue(credential.KeyId);
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

    private static NoContent SignOut(HttpContext context)
    {
        context.Response.Cookies.Delete(ConsoleSessions.CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, HttpOnly = true });
        return TypedResults.NoContent();
    }
}

/// <summary>Signing in to the console.</summary>
/// <param name="Key">An API key with the admin scope.</param>
public sealed record ConsoleSignIn(string? Key);

/// <summary>An open console session.</summary>
/// <param name="Operator">The publisher (operator) the key belongs to: actions are audited under it.</param>
/// <param name="CsrfToken">Send it in <c>X-CSRF-Token</c> with every action.</param>
/// <param name="ExpiresAt">When the session ends.</param>
public sealed record ConsoleSessionResource(string Operator, string CsrfToken, DateTimeOffset ExpiresAt);
