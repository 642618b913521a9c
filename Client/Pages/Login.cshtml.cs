using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services.Admin;

namespace MusicCluster.Client.Pages;

public sealed class LoginModel(AdminCredentials credentials) : PageModel
{
    [BindProperty] public string? Password { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await credentials.VerifyAsync(Password))
        {
            Error = "That is not the admin password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(AuthHosting.AdminPrincipal());
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
