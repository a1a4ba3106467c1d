using System.Globalization;

namespace Bridge.Benchmarks.Reporting;

/// <summary>Number formatting for the markdown tables: invariant culture, en dash for "none".</summary>
internal static class Format
{
    public const string None = "–";

    public static string Rate(double? value) => value is null || double.IsNaN(value.Value) ? None : value.Value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double? value) => value is null ? None : value.Value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string One(double? value) => value is null ? None : value.Value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? None;

    public static string Percent(double? value) => value is null || double.IsNaN(value.Value) ? None : value.Value.ToString("0%", CultureInfo.InvariantCulture);
}
