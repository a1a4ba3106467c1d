using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>
    /// Log levels every Bridge host starts from, whether or not it ships a settings file: Bridge's own categories at
    /// Information; per-request, per-SQL-statement and per-HTTP-call chatter of the frameworks at Warning. They are the
    /// lowest-precedence configuration source, so <c>appsettings*.json</c>, environment variables
    /// (<c>Logging__LogLevel__Microsoft.EntityFrameworkCore=Information</c>) and the command line still override them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> DefaultLogLevels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:StackExchange.Redis"] = "Warning", // every (re)connect step of the dedupe store's multiplexer
    };

    /// <summary>Adds <see cref="DefaultLogLevels"/> beneath every other configuration source.</summary>
    public static TBuilder AddDefaultLogLevels<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration is IConfigurationBuilder sources)
        {
            sources.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLogLevels });
        }
        return builder;
    }
}
