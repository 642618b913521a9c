using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Client.Pages;

public class IndexModel : PageModel
{
    public void OnGet()
    {

    }
}
