using Npgsql;

namespace Bridge.Chaos.Reporting;

/// <summary>The dead letters the store recorded for the run's subscription: message id and reason of each row.</summary>
internal static class DeadLetterCount
{
    public static async Task<IReadOnlyList<(string MessageId, string Reason)>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "MessageId", "Reason" FROM dead_letters WHERE "Topic" = @topic AND "Subscription" = @subscription""";
        command.Parameters.AddWithValue("topic", Deployment.SplitDeployment.Topic);
        command.Parameters.AddWithValue("subscription", Deployment.SplitDeployment.Subscription);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    /// <summary>The count, or null while the store cannot be read (an outage).</summary>
    public static async Task<int?> TryCountAsync(string connectionString)
    {
        try
        {
            return (await ReadAsync(connectionString)).Select(r => r.MessageId).Distinct(StringComparer.Ordinal).Count();
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}
