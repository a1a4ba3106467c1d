using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bridge.Store;

/// <summary>Stores <see cref="DateTimeOffset"/> as Unix milliseconds (UTC).</summary>
internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
