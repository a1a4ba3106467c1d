using System.Net.Http.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Xml;

/// <summary>One bridge with XML partners: <c>bootstrap</c> with the order transform, partners whose transforms run slow or say too much, and one without a transform.</summary>
public sealed class XmlPartnerFixture : IAsyncLifetime
{
    public const string OrderTransform = """
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns="http://www.w3.org/2005/xpath-functions">
          <xsl:template match="/order">
            <map>
              <string key="orderId"><xsl:value-of select="@id"/></string>
              <string key="customerId"><xsl:value-of select="customer/@id"/></string>
              <number key="amount"><xsl:value-of select="amount"/></number>
              <string key="source"><xsl:value-of select="@source"/></string>
              <string key="timestamp"><xsl:value-of select="@at"/></string>
            </map>
          </xsl:template>
        </xsl:stylesheet>
        """;

    public const string OrderXml = """<?xml version="1.0" encoding="utf-8"?><order id="12345" source="Dataverse" at="2025-06-14T10:00:00Z"><customer id="789"/><amount>1500</amount></order>""";

    private const string Slow = """
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
          <xsl:output method="xml"/>
          <xsl:template match="/"><xsl:for-each select="//x"><xsl:for-each select="//x"><xsl:value-of select="count(//x) - count(//x)"/></xsl:for-each></xsl:for-each></xsl:template>
        </xsl:stylesheet>
        """;

    private const string Big = """
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
          <xsl:output method="xml"/>
          <xsl:template match="/"><xsl:for-each select="//x"><xsl:for-each select="//x">aaaaaaaaaa</xsl:for-each></xsl:for-each></xsl:template>
        </xsl:stylesheet>
        """;

    public TestDirectory Data { get; } = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    public BridgeProcess Bridge { get; private set; } = null!;

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Many elements, for the slow and the big transforms.</summary>
    public static string ManyElements(int count) => "<r>" + string.Concat(Enumerable.Repeat("<x/>", count)) + "</r>";

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        var topology = new TestTopology()
            .Subscription("erp-events", "sink", Receiver.UrlOf("sink"))
            .With("Bridge:Publisher:Xml:TransformTimeout", "00:00:00.500")
            .With("Bridge:Publisher:MaxEventBytes", "65536");
        Bridge = await BridgeProcess.StartAsync(Data.Path, topology.Settings);
        using var admin = Bridge.CreateClient();
        await RegisterAsync(admin, "bootstrap", OrderTransform);
        foreach (var (partner, xslt) in new[] { ("slow", Slow), ("big", Big), ("jsononly", null) })
        {
            await CreatePublisherAsync(admin, partner, ["publish:erp-events"]);
            (_, Keys[partner]) = await IssueKeyAsync(admin, partner);
            if (xslt is not null)
            {
                await RegisterAsync(admin, partner, xslt);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Receiver.DisposeAsync();
        Data.Dispose();
    }

    private static async Task RegisterAsync(HttpClient admin, string publisher, string xslt)
    {
        using var response = await admin.PostAsJsonAsync($"/api/publishers/{publisher}/transforms", new { xslt, description = "test" });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"register answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
