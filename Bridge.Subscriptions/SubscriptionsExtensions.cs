using Bridge.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Subscriptions;

/// <summary>Registers the subscriptions made through the API: their store, their secrets and the sync that applies them.</summary>
public static class SubscriptionsExtensions
{
    /// <summary>Adds the runtime subscriptions, options <c>Bridge:Subscriptions</c>.</summary>
    public static IHostApplicationBuilder AddRuntimeSubscriptions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SubscriptionsOptions>().BindConfiguration(SubscriptionsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<CredentialSecrets>();
        builder.Services.AddSingleton<WebhookUrlPolicy>();
        builder.Services.AddDestinationPolicy();
        var perMinute = builder.Configuration.GetSection(SubscriptionsOptions.SectionName).Get<SubscriptionsOptions>()?.CreationsPerMinute ?? new SubscriptionsOptions().CreationsPerMinute;
        builder.Services.AddRateLimiter(o => SubscriptionCaller.AddCreationRateLimit(o, perMinute));
        builder.Services.AddSingleton<SubscriptionDirectory>();
        builder.Services.AddSingleton<SubscriptionSync>();
        builder.Services.AddSingleton<UnreadableSecrets>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SubscriptionSync>());
        return builder;
    }
}
