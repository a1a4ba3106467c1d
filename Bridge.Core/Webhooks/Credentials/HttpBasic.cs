using System.Net.Http.Headers;
using System.Text;

namespace Bridge.Webhooks.Credentials;

/// <summary>The HTTP Basic <c>Authorization</c> value (RFC 7617): user name and password joined by ':', UTF-8, base64.</summary>
internal static class HttpBasic
{
    /// <summary>
    /// <c>Basic base64(user:password)</c>. An OAuth client form-encodes its id and secret first (RFC 6749, 2.3.1); the
    /// caller does that.
    /// </summary>
    public static AuthenticationHeaderValue Header(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
}
