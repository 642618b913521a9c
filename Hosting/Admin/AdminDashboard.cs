using Microsoft.AspNetCore.Http;

namespace MusicCluster.Hosting.Admin;

/// <summary>
/// Where a web host maps the Orleans dashboard (<c>MapOrleansDashboard(AdminDashboard.Prefix)</c>, admin only), and which
/// of its requests are pages. A browser that is not signed in is sent to the sign-in for a page; everything else under
/// the prefix (its script, styles, fonts and the JSON its page polls: <c>ClusterStats</c>, <c>DashboardCounters</c>, ...)
/// answers 401, which a script can act on and a redirect would hide.
/// </summary>
public static class AdminDashboard
{
    public const string Prefix = "/dashboard";

    /// <summary>The dashboard's page: the prefix itself (redirected to the prefix with a slash), the prefix with a slash, index.html.</summary>
    public static bool IsPage(PathString path) =>
        path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase, out PathString rest)
        && (!rest.HasValue || rest.Value is "/" || string.Equals(rest.Value, "/index.html", StringComparison.OrdinalIgnoreCase));

    /// <summary>A request under the prefix that is not the page: answered 401 when not signed in, never redirected.</summary>
    public static bool IsDataCall(PathString path) =>
        path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase) && !IsPage(path);
}
