using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using MusicCluster.Hosting.Admin;

namespace MusicCluster.Dashboard;

/// <summary>
/// The admin sign-in of the dashboard host, with the web app's password (<c>MusicCluster:AdminPassword</c>, or when
/// unset the one the web app generated at its first start, whose hash the cluster keeps) and the same guessing limit
/// (<c>MusicCluster:Login:*</c>). Pages of the dashboard redirect to <c>/login</c>; its other requests answer 401.
/// The cookie has its own name: the web app and the dashboard on one host name share cookies across ports.
/// </summary>
internal static class DashboardSignIn
{
    public const string AdminPolicy = "Admin";
    public const string CookieName = "musiccluster.dashboard";
    private const string AdminRole = "admin";

    /// <summary>Every response: no sniffing, no referrer to other sites, only this host's scripts, framed by no other site.</summary>
    private const string Policy = "script-src 'self'; connect-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public static WebApplicationBuilder AddDashboardSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AdminCredentials>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddAntiforgery(options => options.Cookie.Name = CookieName + ".antiforgery");
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/login";
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => StatusOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        return builder;
    }

    public static WebApplication UseDashboardSignIn(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = Policy;
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapDashboardSignIn(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, [FromQuery] string? returnUrl) =>
            LoginPage(context, antiforgery, returnUrl, error: null));

        // Form posts: the antiforgery token is checked (UseAntiforgery) before the password is.
        app.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery, AdminCredentials credentials, LoginThrottle throttle,
            ILoggerFactory loggers, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            var address = context.Connection.RemoteIpAddress;
            // Counted before the password is checked, so parallel guesses cannot overtake the limit.
            if (throttle.TryBeginAttempt(address) is { } wait)
            {
                int seconds = (int)Math.Ceiling(wait.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return LoginPage(context, antiforgery, returnUrl, $"Too many wrong passwords from your address: try again in {seconds} s.", StatusCodes.Status429TooManyRequests);
            }
            bool verified;
            try
            {
                verified = await credentials.VerifyAsync(password);
            }
            catch (AdminCredentialsUnavailableException e)
            {
                // The generated password lives in the cluster: with the silos down it cannot be checked either way.
                loggers.CreateLogger(typeof(DashboardSignIn)).LogWarning("Sign-in from {Address} not checked: {Problem}", address, e.Message);
                context.Response.Headers.RetryAfter = AdminCredentialsUnavailableException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return LoginPage(context, antiforgery, returnUrl, AdminCredentialsUnavailableException.UserMessage, StatusCodes.Status503ServiceUnavailable);
            }
            if (!verified)
                return LoginPage(context, antiforgery, returnUrl, "That is not the admin password.", StatusCodes.Status401Unauthorized);
            throttle.RecordSuccess(address);
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, AdminRole)],
                CookieAuthenticationDefaults.AuthenticationScheme));
            await context.SignInAsync(principal);
            return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : AdminDashboard.Prefix + "/");
        });

        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync();
            return Results.Redirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }

    private static Task StatusOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (AdminDashboard.IsPage(context.Request.Path))
            context.Response.Redirect(context.RedirectUri);
        else
            context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>A path on this host ("/dashboard/"), never another host ("//evil.example", "/\evil.example", "https://...").</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);

    private static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
        HtmlEncoder html = HtmlEncoder.Default;
        string Hidden(string name, string? value) => $"""<input type="hidden" name="{html.Encode(name)}" value="{html.Encode(value ?? "")}" />""";
        bool signedIn = context.User.IsInRole(AdminRole);
        string body = signedIn
            ? $"""
              <p>Signed in as admin.</p>
              <p><a href="{AdminDashboard.Prefix}/">Open the dashboard</a></p>
              <form method="post" action="/logout">{Hidden(tokens.FormFieldName, tokens.RequestToken)}<button type="submit">Sign out</button></form>
              """
            : $"""
              <p>The Orleans dashboard needs the admin password: <code>MusicCluster:AdminPassword</code>, or the one the web app
              printed once when the installation first started.</p>
              <form method="post" action="/login" data-testid="login-form">
                {Hidden(tokens.FormFieldName, tokens.RequestToken)}
                {Hidden("returnUrl", IsLocal(returnUrl) ? returnUrl : null)}
                <label for="password">Password</label>
                <input type="password" id="password" name="password" required autocomplete="current-password" autofocus />
                <button type="submit">Sign in</button>
              </form>
              {(error is null ? "" : $"""<p class="error" data-testid="login-error">{html.Encode(error)}</p>""")}
              """;
        string page = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Admin sign-in · MusicCluster dashboard</title>
            <style>
              body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #212529; }
              input, button { font: inherit; padding: .375rem .75rem; margin: .25rem 0; }
              input[type=password] { display: block; width: 100%; box-sizing: border-box; }
              .error { color: #b02a37; }
            </style>
            </head>
            <body>
            <h1>Admin sign-in</h1>
            {{body}}
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", statusCode: status);
    }
}
