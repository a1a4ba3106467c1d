namespace Bridge.Tests.Support;

/// <summary>Compares envelopes attribute by attribute, data as text.</summary>
public static class EnvelopeAssert
{
    public static void Same(Envelope expected, Envelope actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.DataContentType, actual.DataContentType);
        Assert.Equal(expected.DataSchema, actual.DataSchema);
        Assert.Equal(Encoding.UTF8.GetString(expected.Data.Span), Encoding.UTF8.GetString(actual.Data.Span));
        Assert.Equal(expected.CorrelationId, actual.CorrelationId);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.TraceState, actual.TraceState);
        Assert.Equal(expected.OrderingKey, actual.OrderingKey);
        Assert.Equal(
            expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
