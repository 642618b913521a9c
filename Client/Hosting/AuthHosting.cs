using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using MusicCluster.Client.Services.Admin;
using MusicCluster.Hosting.Admin;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// Admin sign-in: a cookie after /login with the admin password. Admin actions (starting and controlling training,
/// promoting models, the Orleans dashboard at /dashboard) need it; listening, generating and rating do not. The API answers
/// 401/403 problem details instead of redirecting; pages redirect to /login.
/// </summary>
internal static class AuthHosting
{
    public const string AdminPolicy = "Admin";
    public const string AdminRole = "admin";
    public const string CookieName = "musiccluster.admin";

    public static WebApplicationBuilder AddMusicClusterAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AdminCredentials>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddHostedService<AdminPasswordInitializer>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.AccessDeniedPath = "/login";
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                // Strict: the API takes JSON with cookie auth, so no other site may send the cookie along.
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiProblemOrRedirect(context, StatusCodes.Status401Unauthorized,
                    "Sign in as admin (POST the admin password at /login) to do this");
                options.Events.OnRedirectToAccessDenied = context => ApiProblemOrRedirect(context, StatusCodes.Status403Forbidden, "Only the admin may do this");
            });
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        return builder;
    }

    public static ClaimsPrincipal AdminPrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, AdminRole)], CookieAuthenticationDefaults.AuthenticationScheme));

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    private static async Task ApiProblemOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status, string detail)
    {
        // The API, the hubs and the Orleans dashboard's data calls answer a problem; pages (the dashboard's too) redirect.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs") || AdminDashboard.IsDataCall(context.Request.Path))
        {
            context.Response.StatusCode = status;
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = status, Title = status == 401 ? "Unauthorized" : "Forbidden", Detail = detail },
            });
            return;
        }
        context.Response.Redirect(context.RedirectUri);
    }
}
