using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Bridge.Webhooks.Destinations;

/// <summary>
/// Where webhook calls may go. Default deny for every address that is not on the public internet — loopback, link-local
/// (cloud metadata at 169.254.169.254), private, CGNAT, unspecified, multicast, reserved and documentation ranges, and
/// the IPv6 forms that carry an IPv4 address (mapped addresses are checked as the IPv4 they map to; compatible, NAT64,
/// 6to4 and Teredo are refused outright) — unless the operator allows a network in
/// <see cref="DestinationOptions.AllowedNetworks"/>. Checked when a subscription's URL is registered and again for every
/// address a call connects to (<see cref="GuardedConnection"/>), so a name that changes its answer cannot slip through.
/// </summary>
public sealed class DestinationPolicy
{
    /// <summary>The dead-letter reason of an envelope whose webhook resolves only to refused addresses.</summary>
    public const string RefusedReason = "DestinationNotAllowed";

    private static readonly (IPNetwork Network, string Why)[] Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata lives there)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/96"), "an unspecified, loopback or IPv4-compatible IPv6 address"),
        (IPNetwork.Parse("::ffff:0:0:0/96"), "an IPv4-translated IPv6 address"),
        (IPNetwork.Parse("64:ff9b::/96"), "a NAT64 address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local NAT64 address"),
        (IPNetwork.Parse("100::/64"), "a discard-only IPv6 address"),
        (IPNetwork.Parse("2001::/23"), "an IETF protocol IPv6 address (Teredo included)"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation IPv6 address"),
        (IPNetwork.Parse("2002::/16"), "a 6to4 IPv6 address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local (private) IPv6 address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local IPv6 address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local IPv6 address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast IPv6 address"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    /// <summary>A policy allowing <paramref name="options"/>' networks besides the public internet.</summary>
    public DestinationPolicy(IOptions<DestinationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = [.. options.Value.AllowedNetworks.Select(n => IPNetwork.Parse(n.Trim()))];
    }

    /// <summary>Why a call may not connect to <paramref name="address"/>, or null when it may.</summary>
    public string? Refuse(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var effective = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (effective.AddressFamily == AddressFamily.InterNetworkV6 && effective.ScopeId != 0)
        {
            effective = new IPAddress(effective.GetAddressBytes()); // a zone id does not change which network it is in
        }

        if (_allowed.Any(n => n.Contains(effective)))
        {
            return null;
        }

        foreach (var (network, why) in Blocked)
        {
            if (network.Contains(effective))
            {
                return $"{address} is {why}; webhooks may only reach public addresses unless {DestinationOptions.SectionName}:AllowedNetworks allows it.";
            }
        }
        return null;
    }

    /// <summary>
    /// Why a webhook URL is refused when registered, or null. An IP literal in any notation is checked as the address it
    /// denotes; <c>localhost</c> and <c>*.localhost</c> as loopback; any other name is resolved and refused when one of its
    /// addresses is. A name that does not resolve (yet) is accepted: every call checks the addresses it connects to.
    /// </summary>
    public async Task<string?> RefuseAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.DnsSafeHost.Trim('[', ']').TrimEnd('.');
        if (ParseLiteral(host) is { } literal)
        {
            return Refuse(literal);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(IPAddress.Loopback) ?? Refuse(IPAddress.IPv6Loopback);
        }

        IPAddress[] addresses;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
        return addresses.Select(Refuse).FirstOrDefault(r => r is not null) is { } refused ? $"url's host '{host}' resolves to {refused}" : null;
    }

    /// <summary>The addresses of <paramref name="host"/> a call may connect to; throws <see cref="DestinationNotAllowedException"/> when there is none.</summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = host.Trim('[', ']');
        var addresses = ParseLiteral(host) is { } literal ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => Refuse(a) is null).ToArray();
        return allowed.Length > 0 ? allowed
            : throw new DestinationNotAllowedException($"'{host}': " + (addresses.Length == 0 ? "no address." : Refuse(addresses[0])));
    }

    /// <summary>An IP literal in any notation the resolver would accept (dotted, integer, octal, hex, short forms, IPv6 with a zone).</summary>
    private static IPAddress? ParseLiteral(string host) =>
        host.Length > 0 && (char.IsAsciiDigit(host[0]) || host.Contains(':', StringComparison.Ordinal)) && IPAddress.TryParse(host, out var address)
            ? address
            : null;
}

/// <summary>Thrown when a webhook call would connect to an address <see cref="DestinationPolicy"/> refuses; never retried.</summary>
public sealed class DestinationNotAllowedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DestinationNotAllowedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DestinationNotAllowedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public DestinationNotAllowedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
