using System.Net;
using Bridge.Webhooks.Destinations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriptions;

/// <summary>
/// Which webhook URLs a subscription made through the API may use: absolute <c>https</c> without credentials or fragment;
/// plain <c>http</c> only to a loopback address, and only where allowed (<see cref="SubscriptionsOptions.AllowHttpLoopback"/>);
/// and a destination the <see cref="DestinationPolicy"/> accepts.
/// </summary>
internal sealed class WebhookUrlPolicy(IOptions<SubscriptionsOptions> options, IHostEnvironment environment, DestinationPolicy destinations)
{
    private readonly bool _httpLoopback = options.Value.AllowHttpLoopback ?? environment.IsDevelopment();

    /// <summary>
    /// Why <paramref name="url"/> is refused, a sentence starting with <paramref name="field"/>, or null when it is
    /// accepted. The token URL of an OAuth client meets the same rules.
    /// </summary>
    public string? Refuse(string? url, out Uri? parsed, string field = "url")
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return $"{field} is required.";
        }

        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            return $"{field} must be an absolute https URL of at most 2048 characters.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"{field} must not carry credentials (user:password@); Bridge signs every call with the subscription's secret instead.";
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return $"{field} must not have a fragment (#…).";
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!IsLoopback(uri))
            {
                return $"{field} must use https; plain http is allowed only to a loopback address in development.";
            }

            if (!_httpLoopback)
            {
                return $"{field} must use https; plain http to a loopback address is allowed only in development (Bridge:Subscriptions:AllowHttpLoopback).";
            }
        }
        else if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"{field} must use https (was '{uri.Scheme}').";
        }

        parsed = uri;
        return null;
    }

    /// <summary>Why <paramref name="url"/>'s destination is refused (a non-public address not allowed by the operator), or null.</summary>
    public Task<string?> RefuseDestinationAsync(Uri url, CancellationToken cancellationToken) => destinations.RefuseAsync(url, cancellationToken);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
