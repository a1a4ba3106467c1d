namespace Bridge.Replay;

/// <summary>Who made an operations request, as replays, purges and jobs record it.</summary>
internal static class Requester
{
    /// <summary>The authenticated user's name, or <c>anonymous</c>.</summary>
    public static string Of(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}
