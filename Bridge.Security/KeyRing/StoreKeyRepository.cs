using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace Bridge.Security.KeyRing;

/// <summary>
/// The key ring in the store. Keys an earlier version wrote to a directory (<c>Bridge:Security:KeyRingPath</c>) are
/// copied into the store the first time the ring is read, so the secrets they encrypted stay readable, and from then
/// on by every process.
/// </summary>
internal sealed partial class StoreKeyRepository(IXmlRepository store, DirectoryInfo legacy, ILoggerFactory loggers) : IXmlRepository
{
    private readonly Lock _gate = new();
    private bool _imported;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            if (!_imported)
            {
                Import();
                _imported = true;
            }
        }

        return store.GetAllElements();
    }

    public void StoreElement(XElement element, string friendlyName) => store.StoreElement(element, friendlyName);

    private void Import()
    {
        if (!legacy.Exists)
        {
            return;
        }

        var known = store.GetAllElements().Select(Text).ToHashSet(StringComparer.Ordinal);
        var imported = 0;
        foreach (var element in new FileSystemXmlRepository(legacy, loggers).GetAllElements().Where(e => !known.Contains(Text(e))))
        {
            store.StoreElement(element, (string?)element.Attribute("id") ?? element.Name.LocalName);
            imported++;
        }

        if (imported > 0)
        {
            LogImported(loggers.CreateLogger<StoreKeyRepository>(), imported, legacy.FullName);
        }
    }

    private static string Text(XElement element) => element.ToString(SaveOptions.DisableFormatting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Count} Data Protection key element(s) from {Directory} into the store")]
    private static partial void LogImported(ILogger logger, int count, string directory);
}
