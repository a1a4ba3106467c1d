namespace Bridge.Webhooks.Projection;

/// <summary>
/// The rules a <see cref="ProjectionOptions"/> must meet, shared by the configuration check at start and the
/// subscriptions API: pointers are valid JSON Pointers, output names are 1-200 characters without control characters
/// and unique across fields and constants, at most <see cref="MaxEntries"/> entries, a separator of 1-3 printable
/// characters.
/// </summary>
public static class ProjectionRules
{
    /// <summary>Most fields and constants together.</summary>
    public const int MaxEntries = 100;

    /// <summary>Longest output name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest constant.</summary>
    public const int MaxConstantLength = 1000;

    /// <summary>Every problem of <paramref name="options"/>, each naming the setting at fault; none for a valid projection or none at all.</summary>
    public static IEnumerable<ProjectionProblem> Validate(ProjectionOptions? options)
    {
        if (options is null)
        {
            yield break;
        }
        if (options.Fields is null && options.Constants is not { Count: > 0 } && options.Flatten is null)
        {
            yield return new(null, null, "must set fields, constants or flatten.");
            yield break;
        }

        var fields = options.Fields ?? [];
        var constants = options.Constants ?? [];
        if (options.Fields is { Count: 0 })
        {
            yield return new(ProjectionProblem.FieldsMember, null, "must name at least one field; leave it out to keep the whole data.");
        }
        if (fields.Count + constants.Count > MaxEntries)
        {
            yield return new(null, null, $"may hold at most {MaxEntries} fields and constants together (has {fields.Count + constants.Count}).");
        }

        foreach (var (name, pointer) in fields)
        {
            if (NameProblem(ProjectionProblem.FieldsMember, name) is { } problem)
            {
                yield return problem;
            }
            else if (!JsonPointer.TryParse(pointer, out _, out var error))
            {
                yield return new(ProjectionProblem.FieldsMember, name, error);
            }
        }

        foreach (var (name, value) in constants)
        {
            if (NameProblem(ProjectionProblem.ConstantsMember, name) is { } problem)
            {
                yield return problem;
            }
            else if (fields.ContainsKey(name))
            {
                yield return new(ProjectionProblem.ConstantsMember, name, "is also the name of a field; output names must be unique.");
            }
            else if (value is null || value.Length > MaxConstantLength)
            {
                yield return new(ProjectionProblem.ConstantsMember, name, $"must be a string of at most {MaxConstantLength} characters.");
            }
        }

        if (options.Flatten is { } separator && (separator.Length is < 1 or > 3 || separator.Any(c => c is <= ' ' or > '~')))
        {
            yield return new(ProjectionProblem.FlattenMember, null, $"must be 1-3 printable ASCII characters (no space), e.g. '.' or '_' (was '{separator}').");
        }
    }

    private static ProjectionProblem? NameProblem(string member, string name) =>
        name.Length == 0
            ? new(member, null, "has an empty output name; names are 1-200 characters without control characters.")
            : name.Length > MaxNameLength || name.Any(char.IsControl)
                ? new(member, name[..Math.Min(name.Length, MaxNameLength)], $"is no valid output name; names are 1-{MaxNameLength} characters without control characters.")
                : null;
}

/// <summary>
/// One problem of a projection: the member at fault (<c>Fields</c>, <c>Constants</c>, <c>Flatten</c>, or null for the
/// whole projection), the entry's output name when one entry is at fault, and what is wrong (a sentence to follow the name).
/// </summary>
public sealed record ProjectionProblem(string? Member, string? Entry, string Message)
{
    internal const string FieldsMember = "Fields";
    internal const string ConstantsMember = "Constants";
    internal const string FlattenMember = "Flatten";

    /// <summary>The configuration key at fault under <paramref name="webhookKey"/>, e.g. <c>…:Webhook:Projection:Fields:orderId</c>.</summary>
    public string ConfigurationKey(string webhookKey) =>
        $"{webhookKey}:Projection" + (Member is null ? "" : ":" + Member) + (Entry is null ? "" : ":" + Entry);

    /// <summary>The API field at fault, e.g. <c>projection.fields.orderId</c>.</summary>
    public string ApiField =>
        "projection" + (Member is null ? "" : "." + Member.ToLowerInvariant()) + (Entry is null ? "" : "." + Entry);
}
