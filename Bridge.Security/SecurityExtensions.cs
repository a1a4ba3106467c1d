using Bridge.Security.KeyRing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Security;

/// <summary>Registers authentication (API keys, HMAC signatures), the scope policies and the per-publisher rate limit.</summary>
public static class SecurityExtensions
{
    /// <summary>Adds Bridge's security, options <c>Bridge:Security</c>.</summary>
    public static IHostApplicationBuilder AddBridgeSecurity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();

        builder.Services.AddSingleton<Credentials>();
        builder.Services.AddSingleton<HmacSecrets>();
        builder.Services.AddSingleton<SeenSignatures>();
        builder.Services.AddSingleton<AuthenticationThrottle>();
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, AuthenticationThrottleStartup>();
        builder.Services.AddSingleton<PublisherDirectory>();
        builder.AddBridgeKeyRing();

        builder.Services.AddAuthentication(BridgeAuthentication.Scheme)
            .AddPolicyScheme(BridgeAuthentication.Scheme, "Bridge", o => o.ForwardDefaultSelector = BridgeAuthentication.Select)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyHandler>(BridgeAuthentication.ApiKeyScheme, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HmacHandler>(BridgeAuthentication.HmacScheme, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ConsoleSessionHandler>(ConsoleSessions.Scheme, null);
        builder.Services.AddSingleton<ConsoleTickets>();
        builder.Services.AddSingleton<ConsoleSessionStore>();
        builder.Services.AddAuthorization(BridgePolicies.Add);
        builder.Services.AddSingleton<IAuthorizationHandler, ScopeHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        builder.Services.AddRateLimiter(o => BridgePolicies.AddRateLimit(o, options.RateLimit));
        return builder;
    }
}
