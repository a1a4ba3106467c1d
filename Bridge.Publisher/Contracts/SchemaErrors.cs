using System.Globalization;
using NJsonSchema.Validation;

namespace Bridge.Publisher.Contracts;

/// <summary>Turns NJsonSchema's validation errors into <see cref="ContractError"/>s: every leaf error, with its path and kind.</summary>
internal static class SchemaErrors
{
    /// <summary>Adds every error of <paramref name="errors"/> to <paramref name="into"/>.</summary>
    public static void Flatten(IEnumerable<ValidationError> errors, int? index, List<ContractError> into)
    {
        foreach (var error in errors)
        {
            // Wrappers around the errors of array items and additional properties: list what is wrong inside them.
            if (error is ChildSchemaValidationError child
                && error.Kind is ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid
                    or ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.NotAllOf
                && child.Errors.Values.Any(e => e.Count > 0))
            {
                Flatten(child.Errors.Values.SelectMany(e => e), index, into);
                continue;
            }

            into.Add(new ContractError(index, PathOf(error), error.Kind.ToString(), Message(error)));
        }
    }

    /// <summary><c>#/lines[0].sku</c> becomes <c>$.lines[0].sku</c>.</summary>
    private static string PathOf(ValidationError error)
    {
        var path = error.Path ?? "#";
        return path.StartsWith("#/", StringComparison.Ordinal) ? "$." + path[2..] : path == "#" ? "$" : path;
    }

    private static string Message(ValidationError error)
    {
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"'{error.Property}' is required.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"'{error.Property}' is not allowed here (additionalProperties is false).",
            ValidationErrorKind.StringTooLong => $"Longer than maxLength {schema?.MaxLength}.",
            ValidationErrorKind.StringTooShort => $"Shorter than minLength {schema?.MinLength}.",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig => $"Above the maximum {Number(schema?.ExclusiveMaximum ?? schema?.Maximum)}.",
            ValidationErrorKind.NumberTooSmall => $"Below the minimum {Number(schema?.ExclusiveMinimum ?? schema?.Minimum)}.",
            ValidationErrorKind.PatternMismatch => $"Does not match the pattern '{schema?.Pattern}'.",
            ValidationErrorKind.NotInEnumeration => "Not one of the allowed values (enum).",
            ValidationErrorKind.TooManyItems => $"More than maxItems {schema?.MaxItems} items.",
            ValidationErrorKind.TooFewItems => $"Fewer than minItems {schema?.MinItems} items.",
            ValidationErrorKind.ItemsNotUnique => "Items are not unique.",
            ValidationErrorKind.TooManyProperties => $"More than maxProperties {schema?.MaxProperties} properties.",
            ValidationErrorKind.TooFewProperties => $"Fewer than minProperties {schema?.MinProperties} properties.",
            ValidationErrorKind.NotAnyOf => "Matches none of the anyOf schemas.",
            ValidationErrorKind.NotOneOf => "Matches none, or more than one, of the oneOf schemas.",
            ValidationErrorKind.ExcludedSchemaValidates => "Matches the schema under 'not'.",
            ValidationErrorKind.NumberNotMultipleOf or ValidationErrorKind.IntegerNotMultipleOf => $"Not a multiple of {Number(schema?.MultipleOf)}.",
            var kind when kind.ToString().EndsWith("Expected", StringComparison.Ordinal) => $"Expected {Article(kind.ToString()[..^"Expected".Length])}.",
            var kind => kind.ToString() + ".",
        };
    }

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Article(string what) => what switch
    {
        "Integer" or "Object" or "Array" or "IpV4" or "IpV6" or "Email" => "an " + Lower(what),
        "Null" => "null",
        _ => "a " + Lower(what),
    };

    private static string Lower(string what) => what switch
    {
        "IpV4" => "IPv4 address",
        "IpV6" => "IPv6 address",
        "Uri" => "URI",
        "Guid" => "GUID",
        "DateTime" => "date-time (RFC 3339)",
        _ => what.ToLowerInvariant(),
    };
}
