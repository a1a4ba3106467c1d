using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Retention;

/// <summary>Checks every retention setting, naming the key of each bad one (periods from one second to ten years).</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private const string Section = RetentionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Period(failures, $"{Section}:Events", options.Events);
        Period(failures, $"{Section}:DeadLetters", options.DeadLetters);
        foreach (var (topic, period) in options.Topics)
        {
            Period(failures, $"{Section}:Topics:{topic}", period);
        }

        Between(failures, $"{Section}:Interval", options.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Between(failures, $"{Section}:BatchPause", options.BatchPause, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        if (options.BatchSize is < 10 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:BatchSize must be between 10 and 100000 (was {options.BatchSize})."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Period(List<string> failures, string key, TimeSpan value) =>
        Between(failures, key, value, RetentionOptions.MinPeriod, RetentionOptions.MaxPeriod);

    private static void Between(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be between {min:c} and {max:c} (was {value:c})."));
        }
    }
}
