using System.Runtime.CompilerServices;

namespace Bridge.Publisher.Contracts;

/// <summary>
/// Keeps contract <c>pattern</c>s from stalling a publish. JSON Schema validation matches patterns with the process-wide
/// default regex time-out, which is infinite unless set before the first regular expression runs: this module sets it
/// (<see cref="MatchTimeout"/>) as the assembly loads. Registration refuses patterns with nested unbounded quantifiers
/// (<c>(a+)+</c>, <c>(\w*)*</c>), the usual cause of catastrophic backtracking; any other slow match is cut off at the
/// time-out and refused as 422 <c>pattern-timeout</c>.
/// </summary>
internal static class PatternSafety
{
    /// <summary>The longest a contract pattern may take to match one value.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private const string TimeoutKey = "REGEX_DEFAULT_MATCH_TIMEOUT";

#pragma warning disable CA2255 // Must run before any regular expression does: the default time-out is read once, on first use.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void BoundDefaultMatchTime()
    {
        if (AppContext.GetData(TimeoutKey) is null)
        {
            AppContext.SetData(TimeoutKey, MatchTimeout);
        }
    }

    /// <summary>True when regular expressions without their own time-out are bounded in this process.</summary>
    public static bool Bounded => new System.Text.RegularExpressions.Regex("x").MatchTimeout != System.Text.RegularExpressions.Regex.InfiniteMatchTimeout;

    /// <summary>
    /// Why <paramref name="pattern"/> risks catastrophic backtracking, or null: a group repeated without bound that itself
    /// holds an unbounded quantifier (<c>(a+)+</c>, <c>([a-z]+)*</c>, <c>(\w+\s?)*</c>), unless the group begins with a
    /// literal that every repetition must match first (<c>(-[a-z]+)*</c>, <c>(\.\d+)*</c> are safe and accepted).
    /// </summary>
    public static string? Catastrophic(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var groups = new Stack<Group>();
        Group? closed = null;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var justClosed = closed;
            closed = null;
            switch (c)
            {
                case '\\':
                    i++; // an escaped character is a literal or a class, never a quantifier
                    break;
                case '[':
                    i = EndOfClass(pattern, i);
                    break;
                case '(':
                    groups.Push(new Group(StartsWithLiteral(pattern, i + 1)));
                    break;
                case ')' when groups.Count > 0:
                    closed = groups.Pop();
                    if (closed.HoldsUnbounded && groups.Count > 0)
                    {
                        groups.Peek().HoldsUnbounded = true; // the enclosing group holds it too
                    }
                    break;
                case '*' or '+' or '{' when IsUnbounded(pattern, i):
                    if (justClosed is { HoldsUnbounded: true, StartsWithLiteral: false })
                    {
                        return $"the group ending at position {i} repeats a part that repeats itself (nested unbounded quantifiers backtrack catastrophically); rewrite it without the nesting";
                    }
                    if (groups.Count > 0)
                    {
                        groups.Peek().HoldsUnbounded = true;
                    }
                    break;
            }
        }
        return null;
    }

    private sealed class Group(bool startsWithLiteral)
    {
        public bool StartsWithLiteral { get; } = startsWithLiteral;

        public bool HoldsUnbounded { get; set; }
    }

    /// <summary>True when the group whose content starts at <paramref name="at"/> begins with one literal character that is not optional or repeated.</summary>
    private static bool StartsWithLiteral(string pattern, int at)
    {
        if (at < pattern.Length && pattern[at] == '?')
        {
            // (?:…) and (?<name>…) hold their content after the prefix; lookarounds and options are not one literal
            at = pattern.AsSpan(at).StartsWith("?:") ? at + 2
                : pattern.AsSpan(at).StartsWith("?<") && pattern.IndexOf('>', at) is var end and > 0 && !"=!".Contains(pattern[at + 2], StringComparison.Ordinal) ? end + 1
                : pattern.Length;
        }

        if (at >= pattern.Length)
        {
            return false;
        }

        int next;
        if (pattern[at] == '\\')
        {
            if (at + 1 >= pattern.Length || char.IsAsciiLetterOrDigit(pattern[at + 1]))
            {
                return false; // \d, \w, \s, \p{…}, back-references: classes, not one literal
            }
            next = at + 2;
        }
        else
        {
            if ("([.|)^$*+?{".Contains(pattern[at], StringComparison.Ordinal))
            {
                return false;
            }
            next = at + 1;
        }

        return next >= pattern.Length || pattern[next] is not ('*' or '+' or '?' or '{');
    }

    private static bool IsUnbounded(string pattern, int at)
    {
        if (pattern[at] != '{')
        {
            return true;
        }

        var end = pattern.IndexOf('}', at);
        return end > at && pattern[(at + 1)..end] is var range && range.EndsWith(',') && range.TrimEnd(',').All(char.IsAsciiDigit);
    }

    private static int EndOfClass(string pattern, int start)
    {
        for (var i = start + 1; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == ']' && i > start + 1)
            {
                return i;
            }
        }
        return pattern.Length;
    }
}
