namespace Bridge.Chaos.Faults;

/// <summary>One fault of the schedule: what was done, when (seconds since the run started) and when it was over.</summary>
internal sealed record FaultRecord(string Name, TimeSpan Started, TimeSpan Recovered, string? Error = null);
