using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Bridge.Webhooks.Destinations;

/// <summary>Where webhook calls may go beyond the public internet, section <c>Bridge:Webhooks</c>.</summary>
public sealed class DestinationOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Webhooks";

    /// <summary>
    /// Networks (CIDR, e.g. <c>127.0.0.1/32</c>, <c>10.20.0.0/16</c>, <c>::1/128</c>) webhooks may reach although they are
    /// loopback, private, link-local or otherwise not public. Empty by default: only public addresses. An operator's
    /// deliberate choice, for configured and API-made subscriptions and replays alike.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks)
        {
            if (!IPNetwork.TryParse(network?.Trim() ?? "", out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:AllowedNetworks entry '{network}' is not a network in CIDR notation with no host bits set (e.g. 127.0.0.1/32).",
                    [nameof(AllowedNetworks)]);
            }
        }
    }
}
