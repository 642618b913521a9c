using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MusicCluster.Client.Tests;

/// <summary>HTTP clients of a test Client: anonymous, or signed in as admin through the /login page (cookie + antiforgery token).</summary>
public static partial class AdminSession
{
    public const string Password = "correct horse battery staple";

    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MusicCluster:AdminPassword"] = Password,
            ["MusicCluster:Training:SupervisePeriodSeconds"] = "0.5",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    public static HttpClient Anonymous(ClientFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> SignInAsync(ClientFactory factory, string password = Password)
    {
        HttpClient client = Anonymous(factory);
        HttpResponseMessage response = await PostLoginAsync(client, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string password)
    {
        string page = await client.GetStringAsync("/login");
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
    }

    public static string AntiforgeryToken(string html)
    {
        Match match = TokenPattern().Match(html);
        Assert.True(match.Success, "no antiforgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
