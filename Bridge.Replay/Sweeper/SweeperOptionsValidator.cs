using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.Sweeper;

/// <summary>Checks what DataAnnotations cannot: the sweeper's subscriptions exist and its reasons are not blank.</summary>
internal sealed class SweeperOptionsValidator(TopologyCatalog catalog) : IValidateOptions<SweeperOptions>
{
    public ValidateOptionsResult Validate(string? name, SweeperOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var i = 0; i < options.Subscriptions.Count; i++)
        {
            var entry = options.Subscriptions[i];
            if (Parse(entry) is not { } address || catalog.Find(address) is null)
            {
                errors.Add($"{SweeperOptions.SectionName}:Subscriptions:{i} must name a configured subscription as topic/subscription (was '{entry}').");
            }
        }
        for (var i = 0; i < options.Reasons.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Reasons[i]))
            {
                errors.Add($"{SweeperOptions.SectionName}:Reasons:{i} must not be empty.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Reads <c>topic/subscription</c>.</summary>
    internal static SubscriptionAddress? Parse(string entry)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == entry.Length - 1 ? null : new SubscriptionAddress(entry[..slash], entry[(slash + 1)..]);
    }
}
