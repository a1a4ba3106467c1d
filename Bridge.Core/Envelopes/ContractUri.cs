using System.Globalization;

namespace Bridge.Envelopes;

/// <summary>
/// The <c>dataschema</c> Bridge stamps on an envelope whose data was checked against a contract:
/// <c>urn:bridge:contract:{type}:{version}</c>, e.g. <c>urn:bridge:contract:order.created:2</c>.
/// </summary>
public static class ContractUri
{
    /// <summary>The prefix of every contract URI.</summary>
    public const string Prefix = "urn:bridge:contract:";

    /// <summary>The URI of version <paramref name="version"/> of the contract of <paramref name="eventType"/>.</summary>
    public static string Format(string eventType, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{eventType}:{version}");

    /// <summary>Reads a contract URI; false when <paramref name="uri"/> is not one (the type may itself contain ':').</summary>
    public static bool TryParse(string? uri, out string eventType, out int version)
    {
        eventType = "";
        version = 0;
        if (uri is null || !uri.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = uri.AsSpan(Prefix.Length);
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1)
        {
            version = 0;
            return false;
        }

        eventType = rest[..colon].ToString();
        return true;
    }
}
