using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>Counts failed authentications per client address and per key id (<see cref="FailedAuthenticationOptions"/>).</summary>
internal sealed class AuthenticationThrottle(IOptions<SecurityOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="address"/> or <paramref name="keyId"/> must wait, or null when neither is over its limit.</summary>
    public TimeSpan? RetryAfter(string? address, string? keyId)
    {
        var limits = options.Value.FailedAuthentication;
        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (key, limit) in Keys(address, keyId, limits))
        {
            if (_windows.TryGetValue(key, out var window) && window.Count >= limit && window.EndsAt > now)
            {
                var left = window.EndsAt - now;
                wait = wait is { } other && other > left ? other : left;
            }
        }
        return wait;
    }

    /// <summary>Counts one failure against <paramref name="address"/> and <paramref name="keyId"/>.</summary>
    public void Failed(string? address, string? keyId)
    {
        var limits = options.Value.FailedAuthentication;
        var now = time.GetUtcNow();
        if (_windows.Count > 100_000)
        {
            foreach (var (key, window) in _windows)
            {
                if (window.EndsAt <= now)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        foreach (var (key, _) in Keys(address, keyId, limits))
        {
            _windows.AddOrUpdate(key, _ => new Window(1, now + limits.Window),
                (_, window) => window.EndsAt <= now ? new Window(1, now + limits.Window) : window with { Count = window.Count + 1 });
        }
    }

    /// <summary>Answers 429 with Retry-After.</summary>
    public static Task RefuseAsync(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return SecurityProblems.AuthenticationThrottled(seconds).ExecuteAsync(context);
    }

    private static IEnumerable<(string Key, int Limit)> Keys(string? address, string? keyId, FailedAuthenticationOptions limits)
    {
        if (address is not null)
        {
            yield return ("a:" + address, limits.PerAddress);
        }
        if (!string.IsNullOrEmpty(keyId) && keyId.Length <= 64)
        {
            yield return ("k:" + keyId, limits.PerKey);
        }
    }

    private sealed record Window(int Count, DateTimeOffset EndsAt);
}

/// <summary>
/// Before anything else: a request presenting an API key or a signature from a throttled address, or for a throttled key
/// id, is answered 429; after the request, a failed authentication is counted. Requests without a credential (and console
/// cookies, which cannot be guessed) are not counted.
/// </summary>
internal sealed class AuthenticationThrottleMiddleware(RequestDelegate next, AuthenticationThrottle throttle)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var presents = request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(BridgeAuthentication.KeyIdHeader)
            || request.Headers.ContainsKey(BridgeAuthentication.SignatureHeader);
        if (!presents)
        {
            await next(context);
            return;
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var keyId = PresentedKeyId(request);
        if (throttle.RetryAfter(address, keyId) is { } wait)
        {
            await AuthenticationThrottle.RefuseAsync(context, wait);
            return;
        }

        await next(context);
        if (context.Items.ContainsKey(BridgeAuthentication.FailureItem))
        {
            throttle.Failed(address, keyId);
        }
    }

    private static string? PresentedKeyId(HttpRequest request)
    {
        if (request.Headers[BridgeAuthentication.KeyIdHeader] is { Count: 1 } signed)
        {
            return signed.ToString();
        }

        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && ApiKeys.TryParse(header["Bearer ".Length..].Trim(), out var keyId, out _)
            ? keyId
            : null;
    }
}

/// <summary>Puts <see cref="AuthenticationThrottleMiddleware"/> first in the pipeline.</summary>
internal sealed class AuthenticationThrottleStartup : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AuthenticationThrottleMiddleware>();
        next(app);
    };
}
