using System.Text;
using Bridge.Envelopes;
using Bridge.Publisher.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Bridge.Publisher.Contracts;

/// <summary>
/// Checks published events against their contracts: the event's type selects the contract, its data is validated
/// against the latest version or the one its <c>dataschema</c> pins (<c>urn:bridge:contract:{type}:{version}</c>).
/// Events that pass carry that contract's URI as <c>dataschema</c>; if any fails, none is published.
/// </summary>
public sealed partial class ContractValidator
{
    private readonly ContractCache _cache;
    private readonly IOptions<ContractOptions> _options;
    private readonly IOptions<PublisherOptions> _publisher;
    private readonly ILogger<ContractValidator> _logger;

    internal ContractValidator(ContractCache cache, IOptions<ContractOptions> options, IOptions<PublisherOptions> publisher, ILogger<ContractValidator> logger)
    {
        _cache = cache;
        _options = options;
        _publisher = publisher;
        _logger = logger;
    }

    /// <summary>The checked events (with <c>dataschema</c> stamped), or the 422 that refuses them all.</summary>
    public readonly record struct Result(IReadOnlyList<BatchItem> Items, ProblemHttpResult? Problem);

    /// <summary>Checks <paramref name="items"/>; in a batch (<paramref name="batch"/>) every error carries its event's index.</summary>
    public async Task<Result> CheckAsync(IReadOnlyList<BatchItem> items, bool batch, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var checkedItems = new BatchItem[items.Count];
        var unknown = new List<ContractError>();
        var missing = new List<ContractError>();
        var violations = new List<ContractError>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            int? index = batch ? i : null;
            var type = item.Attributes.Type ?? _publisher.Value.DefaultType;
            CompiledContract? contract;
            if (ContractUri.TryParse(item.Attributes.DataSchema, out var pinnedType, out var pinnedVersion))
            {
                contract = pinnedType == type ? await _cache.GetAsync(type, pinnedVersion, cancellationToken) : null;
                if (contract is null)
                {
                    unknown.Add(new ContractError(index, "dataschema", "UnknownContractVersion", pinnedType == type
                        ? $"Event type '{type}' has no contract version {pinnedVersion}."
                        : $"dataschema pins a contract of '{pinnedType}', but the event's type is '{type}'."));
                    continue;
                }
            }
            else
            {
                contract = await _cache.LatestAsync(type, cancellationToken);
                if (contract is null)
                {
                    if (_options.Value.Required)
                    {
                        missing.Add(new ContractError(index, "type", "NoContract", $"Event type '{type}' has no contract, and contracts are required."));
                    }
                    checkedItems[i] = item;
                    continue;
                }
            }

            var before = violations.Count;
            try
            {
                SchemaErrors.Flatten(contract.Schema.Validate(Parse(item.Data)), index, violations);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException ex)
            {
                var slow = new ContractError(index, "data", "PatternTimeout",
                    $"Matching the contract's pattern '{ex.Pattern}' took longer than {PatternSafety.MatchTimeout.TotalMilliseconds:0} ms; the event is refused. Ask for the contract's pattern to be simplified.");
                return new Result(items, Refuse("pattern-timeout", "Pattern time-out", "A contract pattern took too long to match; see errors.", [slow], items.Count, correlationId));
            }

            checkedItems[i] = violations.Count == before ? item with { Attributes = item.Attributes with { DataSchema = contract.Uri } } : item;
        }

        var problem = unknown.Count > 0 ? Refuse("unknown-contract-version", "Unknown contract version", "The dataschema pins a contract version that is not registered; see errors.", unknown, items.Count, correlationId)
            : missing.Count > 0 ? Refuse("no-contract", "No contract", "Contracts are required and the event type has none; see errors.", missing, items.Count, correlationId)
            : violations.Count > 0 ? Refuse("contract-violation", "Contract violation", "The event data does not match its contract; see errors.", violations, items.Count, correlationId)
            : null;
        return new Result(checkedItems, problem);
    }

    private ProblemHttpResult Refuse(string type, string title, string detail, List<ContractError> errors, int events, string correlationId)
    {
        LogRefused(_logger, type, errors.Count, events, correlationId);
        var max = _options.Value.MaxErrors;
        if (errors.Count > max)
        {
            detail += $" Only the first {max} of {errors.Count} errors are listed.";
            errors = errors[..max];
        }
        return ContractProblems.Violation(type, title, detail, errors);
    }

    private static JToken Parse(ReadOnlyMemory<byte> data)
    {
        // Dates stay strings, so "format" decides what a date is; the data was parsed once already, within the depth limit.
        using var reader = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(data.Span)))
        {
            DateParseHandling = DateParseHandling.None,
            MaxDepth = JsonBody.MaxDataDepth + 1,
        };
        return JToken.ReadFrom(reader);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Events} event(s) as {ProblemType}: {Errors} contract error(s) (correlation {CorrelationId})")]
    private static partial void LogRefused(ILogger logger, string problemType, int errors, int events, string correlationId);
}
