using Microsoft.AspNetCore.Authentication.Cookies;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// What every response and every state change carries against cross-site attacks, in one middleware:
/// <list type="bullet">
/// <item>A state change (POST, PUT, PATCH, DELETE) that arrives with the admin cookie must come from this site: a
/// browser says where a request comes from in <c>Origin</c> (and <c>Sec-Fetch-Site</c>); one from another origin is
/// refused with 403 before any endpoint runs. Requests without those headers are not from a browser page (curl, the
/// CLI, tests) and cannot be forged by another site. Razor Pages forms carry antiforgery tokens besides.</item>
/// <item>Headers: <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: same-origin</c>, and a content security
/// policy that lets no other site frame the pages (<c>frame-ancestors 'self'</c>) except the OBS overlay at /obs,
/// which streaming software embeds, and no plugins, base-URL or form-target changes.</item>
/// <item>Scripts (<see cref="ScriptPolicy"/>): only files this site serves (wwwroot/js, wwwroot/lib, the Orleans
/// dashboard's own script); no inline scripts or event-handler attributes, no eval. Pages hand server data to their
/// scripts in data- attributes.</item>
/// </list>
/// </summary>
internal static class BrowserSafety
{
    /// <summary>
    /// <c>script-src 'self'</c>: no 'unsafe-inline', no 'unsafe-eval' (no library here needs either).
    /// <c>worker-src blob:</c>: Tone.js runs its clock in a worker it makes from a blob: URL when it loads (refused, it
    /// falls back to timers and the browser reports the refusal); no page starts any other worker.
    /// <c>connect-src 'self'</c>: fetch and the SignalR hubs on this origin; 'self' takes in ws:/wss: to the same host
    /// (CSP Level 3), which SignalR's WebSocket transport uses.
    /// </summary>
    public const string ScriptPolicy = "script-src 'self'; worker-src blob:; connect-src 'self'";

    private const string Policy = ScriptPolicy + "; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";
    private const string OverlayPolicy = ScriptPolicy + "; object-src 'none'; base-uri 'self'; form-action 'self'";

    public static WebApplication UseBrowserSafety(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/obs") ? OverlayPolicy : Policy;

            if (IsStateChange(context.Request.Method) && CarriesAdminCookie(context.Request) && FromAnotherSite(context.Request) is { } origin)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = 403, Title = "Forbidden", Detail = $"A signed-in change must come from this site's pages, not from {origin}" },
                });
                return;
            }
            await next(context);
        });
        return app;
    }

    private static bool IsStateChange(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool CarriesAdminCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(AuthHosting.CookieName) || request.Cookies.Keys.Any(k => k.StartsWith(AuthHosting.CookieName + "C", StringComparison.Ordinal));

    /// <summary>The other site a browser says the request comes from, or null when it comes from this one (or says nothing).</summary>
    private static string? FromAnotherSite(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? parsed)) return origin;
            string host = parsed.IsDefaultPort ? parsed.Host : $"{parsed.Host}:{parsed.Port}";
            return string.Equals(host, request.Host.Value, StringComparison.OrdinalIgnoreCase) ? null : origin;
        }
        string? site = request.Headers["Sec-Fetch-Site"];
        return site is "cross-site" or "same-site" ? $"a {site} page" : null;
    }
}
