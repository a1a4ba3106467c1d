using System.Security.Cryptography;
using System.Text;

namespace Bridge.Store.Migrations;

/// <summary>One versioned SQL script of a provider; its checksum is the SHA-256 of its text with LF line endings.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>The migration with a checksum of <paramref name="sql"/>.</summary>
    public static MigrationScript Create(int version, string name, string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var normalized = sql.ReplaceLineEndings("\n");
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
        return new MigrationScript(version, name, normalized, checksum);
    }

    /// <summary><c>0002 (audit_and_operations)</c>.</summary>
    public override string ToString() => $"{Version:D4} ({Name})";
}
