using System.Globalization;
using System.Text.RegularExpressions;
using Bridge.Store.Providers;

namespace Bridge.Store.Migrations;

/// <summary>Reads a provider's migration scripts, embedded in its assembly as <c>{Provider}/Migrations/NNNN_name.sql</c>.</summary>
internal static partial class MigrationScripts
{
    /// <summary>The scripts of <paramref name="provider"/>, by version: 1, 2, … with no gap.</summary>
    public static IReadOnlyList<MigrationScript> Load(IStoreProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var assembly = provider.MigrationsAssembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(provider.MigrationsResourcePrefix, StringComparison.Ordinal)))
        {
            var file = resource[provider.MigrationsResourcePrefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration script '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
            scripts.Add(MigrationScript.Create(version, match.Groups["name"].Value, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"The {provider.Name} migration scripts must be numbered 0001, 0002, … without gaps or repeats; found {string.Join(", ", scripts)}.");
            }
        }
        return scripts;
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
