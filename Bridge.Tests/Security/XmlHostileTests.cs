using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;
using Bridge.Tests.Xml;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Security;

/// <summary>
/// Publisher <c>bootstrap</c> has a transform that copies the posted XML through, so a test can post exactly the
/// json-to-xml output it wants judged; publisher <c>partner</c> has the documented order transform.
/// </summary>
public sealed class XmlHostileFixture : HostileBridgeFixture
{
    public const string Passthrough = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><xsl:copy-of select="/*"/></xsl:template></xsl:stylesheet>""";

    protected override async Task SeedAsync(HttpClient admin)
    {
        await RegisterAsync(admin, "bootstrap", Passthrough);
        await CreatePublisherAsync(admin, "partner", ["publish:erp-events"]);
        (_, Keys["partner"]) = await IssueKeyAsync(admin, "partner");
        await RegisterAsync(admin, "partner", XmlPartnerFixture.OrderTransform);
    }

    private static async Task RegisterAsync(HttpClient admin, string publisher, string xslt)
    {
        using var response = await admin.PostAsJsonAsync($"/api/publishers/{publisher}/transforms", new { xslt });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// XML partners: a transform's output is the XML form of JSON, which Bridge writes as JSON, so a partner's value cannot
/// change the event's shape; any output outside the vocabulary, and any stylesheet that would output text, is refused
/// (422) and nothing is stored or delivered.
/// </summary>
public sealed class XmlHostileTests(XmlHostileFixture fixture) : IClassFixture<XmlHostileFixture>
{
    private const string Fn = "http://www.w3.org/2005/xpath-functions";

    public static TheoryData<string, string> HostileOutputs => new()
    {
        { "a root outside the vocabulary's namespace", "<map/>" },
        { "an element the vocabulary does not have", $"""<object xmlns="{Fn}"/>""" },
        { "the escaped attribute", $"""<map xmlns="{Fn}"><string key="a" escaped="true">x</string></map>""" },
        { "an attribute of another name", $"""<map xmlns="{Fn}" id="1"/>""" },
        { "a key used twice", $"""<map xmlns="{Fn}"><string key="a">1</string><string key="a">2</string></map>""" },
        { "text inside a map", $"""<map xmlns="{Fn}">"injected": "yes"<string key="a">1</string></map>""" },
        { "text inside an array", $"""<array xmlns="{Fn}">1, 2</array>""" },
        { "an array item with a key", $"""<array xmlns="{Fn}"><string key="a">1</string></array>""" },
        { "a map member without a key", $"""<map xmlns="{Fn}"><string>1</string></map>""" },
        { "a number that smuggles members", $"""<map xmlns="{Fn}"><number key="amount">1500, "injected": "yes"</number></map>""" },
        { "a number NaN", $"""<number xmlns="{Fn}">NaN</number>""" },
        { "a number Infinity", $"""<number xmlns="{Fn}">Infinity</number>""" },
        { "a number with a leading zero", $"""<number xmlns="{Fn}">0123</number>""" },
        { "a hexadecimal number", $"""<number xmlns="{Fn}">0x10</number>""" },
        { "an empty number", $"""<number xmlns="{Fn}"/>""" },
        { "a boolean yes", $"""<boolean xmlns="{Fn}">yes</boolean>""" },
        { "a null with content", $"""<null xmlns="{Fn}">x</null>""" },
        { "a string with a child element", $"""<string xmlns="{Fn}">a<string>b</string></string>""" },
        { "a foreign element inside a map", $"""<map xmlns="{Fn}"><evil key="a" xmlns="urn:evil"/></map>""" },
        { "nesting deeper than JSON allows", string.Concat(Enumerable.Repeat($"""<array xmlns="{Fn}">""", 70)) + string.Concat(Enumerable.Repeat("</array>", 70)) },
    };

    [Theory]
    [MemberData(nameof(HostileOutputs))]
    public async Task Output_outside_the_json_to_xml_vocabulary_is_refused_and_stores_nothing(string what, string output)
    {
        using var client = fixture.Bridge.CreateClient();
        await fixture.AssertRefusedAsync(client, Xml(output, null), what, 422, "transform-failed");
    }

    public static TheoryData<string, string> HostileStylesheets => new()
    {
        { "text output", """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="text"/><xsl:template match="/">{}</xsl:template></xsl:stylesheet>""" },
        { "html output", """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="html"/><xsl:template match="/"><p/></xsl:template></xsl:stylesheet>""" },
        { "the old JSON-as-text example", """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="text" encoding="utf-8"/><xsl:template match="/order">{ "orderId": "<xsl:value-of select="@id"/>" }</xsl:template></xsl:stylesheet>""" },
    };

    [Theory]
    [MemberData(nameof(HostileStylesheets))]
    public async Task A_stylesheet_that_outputs_text_is_refused_at_registration(string what, string xslt)
    {
        using var admin = fixture.Bridge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/publishers/partner/transforms") { Content = JsonContent.Create(new { xslt }) };
        await fixture.AssertRefusedAsync(admin, request, what, 422, "invalid-transform");
    }

    [Theory]
    [InlineData("1\", \"injected\": \"yes")]
    [InlineData("\\\", \"x\": { \"y\": 1 }, \"z\": \"\\")]
    [InlineData("</string><string key=\"injected\">yes")]
    public async Task A_value_that_tries_to_inject_members_stays_one_string(string orderId)
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var escaped = System.Security.SecurityElement.Escape(orderId);
        using var request = Xml($"""<order id="{escaped}" source="Dataverse" at="2025-06-14T10:00:00Z"><customer id="789"/><amount>1500</amount></order>""", fixture.Keys["partner"]);

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var messageId = JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ReceivedRequest? delivered = null;
        while (delivered is null && DateTime.UtcNow < deadline)
        {
            delivered = fixture.Sink.Received.FirstOrDefault(r => r.MessageId == messageId);
            await Task.Delay(100);
        }
        Assert.NotNull(delivered);
        var data = delivered.Json.GetProperty("data");
        Assert.Equal(orderId, data.GetProperty("orderId").GetString());
        Assert.Equal(["amount", "customerId", "orderId", "source", "timestamp"], data.EnumerateObject().Select(p => p.Name).Order());
    }

    private static HttpRequestMessage Xml(string xml, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/erp-events/events") { Content = new StringContent(xml, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }
}
