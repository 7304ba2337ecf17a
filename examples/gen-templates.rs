//! Writes a deterministic benchmark corpus of email templates:
//!
//! ```sh
//! cargo run --release --example gen-templates -- OUT N SEED
//! ```
//!
//! N templates of 5–40 KB (about 19 KB on average), as teams keep them in
//! git, under `OUT/brand-XX/emails/`: plain HTML email (tables, inline
//! styles, an Outlook conditional, a hidden preheader, Liquid or Handlebars
//! merge tokens with fallbacks, loops over products), MJML, Liquid (with
//! `{% include 'footer' %}` for half of them) and React Email components
//! (`.tsx`, `.jsx`). Each brand folder also holds the two footer partials
//! the templates include (`emails/_includes/footer.liquid`,
//! `emails/partials/footer.mjml`), so the file count is N + 2 × 20.
//!
//! Half of the templates are clean; the other half carry one mistake each,
//! evenly over four kinds: a greeting token without fallback ("Hi {{
//! first_name }},"), surveillance wording ("We noticed you were looking
//! at …"), no unsubscribe link, and a painful occasion (Father's Day,
//! Mother's Day) with no opt-out. Check with `--now 2027-01-01`.

#[allow(dead_code)]
#[path = "support/copy.rs"]
mod copy;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use copy::{Brand, Mistake, Rng, BRANDS, CATEGORIES, PRODUCTS};

/// Brand folders.
const TEAMS: usize = 20;

/// How merge tokens are written in an HTML, MJML or Liquid template.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Liquid,
    Handlebars,
}

impl Syntax {
    fn greeting(self, rng: &mut Rng, fallback: bool) -> String {
        match (self, fallback) {
            (Syntax::Liquid, true) => match rng.below(2) {
                0 => "Hi {{ first_name | default: 'there' }},".into(),
                _ => "Hello {{ customer.first_name | default: 'friend' }},".into(),
            },
            (Syntax::Liquid, false) => "Hi {{ first_name }},".into(),
            (Syntax::Handlebars, true) => match rng.below(2) {
                0 => "{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}".into(),
                _ => "Hi {{defaultIfEmpty firstName \"there\"}},".into(),
            },
            (Syntax::Handlebars, false) => "Hi {{firstName}},".into(),
        }
    }
    fn city(self) -> &'static str {
        match self {
            Syntax::Liquid => "{{ city | default: 'your area' }}",
            Syntax::Handlebars => "{{defaultIfEmpty city \"your area\"}}",
        }
    }
    fn unsubscribe(self) -> &'static str {
        match self {
            Syntax::Liquid => "{{ unsubscribe_url }}",
            Syntax::Handlebars => "{{unsubscribe_url}}",
        }
    }
    fn preferences(self) -> &'static str {
        match self {
            Syntax::Liquid => "{{ manage_preferences_url }}",
            Syntax::Handlebars => "{{manage_preferences_url}}",
        }
    }
    /// A loop over products the sender fills: (open, title, price, close).
    fn each(self) -> [&'static str; 4] {
        match self {
            Syntax::Liquid => [
                "{% for item in picks limit: 4 %}",
                "{{ item.title }}",
                "{{ item.price }}",
                "{% endfor %}",
            ],
            Syntax::Handlebars => [
                "{{#each picks}}",
                "{{this.title}}",
                "{{this.price}}",
                "{{/each}}",
            ],
        }
    }
}

/// What one template is about.
struct Ctx<'a> {
    n: usize,
    brand: &'a Brand,
    cat: &'static str,
    prod: &'static str,
    mistake: Option<Mistake>,
}

impl Ctx<'_> {
    fn url(&self, rng: &mut Rng) -> String {
        format!(
            "https://{}/{}/{}?utm_source=email&amp;utm_campaign=c{}&amp;s={}",
            self.brand.domain,
            self.cat,
            self.prod,
            self.n,
            rng.below(1000)
        )
    }
    fn image(&self, rng: &mut Rng) -> String {
        format!(
            "https://cdn.{}/email/2027/{}-{}-{}.jpg",
            self.brand.domain,
            self.prod,
            self.n,
            rng.below(100)
        )
    }
    fn alt(&self, rng: &mut Rng) -> String {
        format!(
            "The {} {} in {}",
            copy::model(rng),
            self.prod,
            rng.pick(copy::COLOURS)
        )
    }
}

/// A stylesheet of the kind email builders write into `<head>`: resets,
/// the brand's colours and mobile media queries.
fn stylesheet(rng: &mut Rng, brand: &Brand) -> String {
    let mut css = String::new();
    let _ = writeln!(
        css,
        "    body, table, td, a {{ -webkit-text-size-adjust: 100%; -ms-text-size-adjust: 100%; }}"
    );
    let _ = writeln!(
        css,
        "    table, td {{ mso-table-lspace: 0pt; mso-table-rspace: 0pt; }}"
    );
    let _ = writeln!(css, "    img {{ -ms-interpolation-mode: bicubic; border: 0; height: auto; line-height: 100%; outline: none; text-decoration: none; }}");
    let _ = writeln!(css, "    a[x-apple-data-detectors] {{ color: inherit !important; text-decoration: none !important; }}");
    let _ = writeln!(
        css,
        "    .button a {{ background: {}; border-radius: {}px; color: #ffffff; }}",
        brand.colour,
        rng.between(0, 8)
    );
    for i in 0..rng.between(6, 18) {
        let _ = writeln!(
            css,
            "    .s{i} {{ padding: {}px {}px; font-size: {}px; line-height: {}px; color: #{:06x}; }}",
            rng.between(4, 32),
            rng.between(8, 40),
            rng.between(12, 22),
            rng.between(16, 32),
            rng.below(0x80_0000)
        );
    }
    let _ = writeln!(css, "    @media screen and (max-width: 600px) {{");
    let _ = writeln!(css, "      .container {{ width: 100% !important; }}");
    let _ = writeln!(
        css,
        "      .column {{ display: block !important; width: 100% !important; }}"
    );
    let _ = writeln!(
        css,
        "      .hero img {{ width: 100% !important; height: auto !important; }}"
    );
    let _ = writeln!(
        css,
        "      .content {{ padding: {}px !important; }}",
        rng.between(12, 24)
    );
    let _ = writeln!(css, "    }}");
    let _ = writeln!(css, "    @media (prefers-color-scheme: dark) {{ .dark-bg {{ background: #1e1e1e !important; }} .dark-text {{ color: #eeeeee !important; }} }}");
    css
}

const FONT: &str = "font-family:Helvetica,Arial,sans-serif;";

/// An inline style for copy.
fn text_style(rng: &mut Rng) -> String {
    format!(
        "margin:0 0 16px 0;{FONT}font-size:{}px;line-height:{}px;color:#{:02x}{:02x}{:02x};",
        rng.between(14, 18),
        rng.between(20, 28),
        rng.between(0x20, 0x50),
        rng.between(0x20, 0x50),
        rng.between(0x20, 0x50)
    )
}

fn button(rng: &mut Rng, ctx: &Ctx, label: &str) -> String {
    format!(
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" class=\"button\"><tr><td style=\"border-radius:4px;background:{c};\"><a href=\"{u}\" target=\"_blank\" style=\"display:inline-block;padding:12px 24px;{FONT}font-size:16px;color:#ffffff;text-decoration:none;border-radius:4px;background:{c};\">{label}</a></td></tr></table>",
        c = ctx.brand.colour,
        u = ctx.url(rng)
    )
}

/// Copy for one article: a heading and paragraphs, with the planted
/// mistake in the first article when there is one.
fn article_copy(rng: &mut Rng, ctx: &Ctx, syntax: Syntax, first: bool) -> (String, Vec<String>) {
    let heading = copy::heading(rng, ctx.cat, ctx.prod);
    let mut paras = Vec::new();
    if first {
        paras.push(syntax.greeting(rng, ctx.mistake != Some(Mistake::NoFallback)));
        if ctx.mistake == Some(Mistake::Surveillance) {
            paras.push(copy::surveillance(rng, ctx.prod));
        }
        if ctx.mistake == Some(Mistake::Occasion) {
            paras.push(copy::occasion(rng, ctx.cat));
        }
        paras.push(format!(
            "{} Picked for {}.",
            copy::paragraph(rng, ctx.cat, ctx.prod),
            syntax.city()
        ));
    }
    for _ in 0..rng.between(1, 3) {
        paras.push(copy::paragraph(rng, ctx.cat, ctx.prod));
    }
    (heading, paras)
}

/// The footer's copy as HTML: the postal address, and (unless the mistake
/// is a missing unsubscribe) why they get it and how to stop.
fn footer_html(ctx: &Ctx, syntax: Syntax) -> String {
    let b = ctx.brand;
    if ctx.mistake == Some(Mistake::NoUnsubscribe) {
        format!(
            "{}, {}<br>\n            Questions? Write to help@{}.",
            b.name, b.address, b.domain
        )
    } else {
        format!(
            "You are receiving this email because you joined the {name} list.<br>\n            {name}, {addr}<br>\n            <a href=\"{u}\" style=\"color:#777777;\">Unsubscribe</a> &middot; <a href=\"{p}\" style=\"color:#777777;\">Manage preferences</a>",
            name = b.name,
            addr = b.address,
            u = syntax.unsubscribe(),
            p = syntax.preferences()
        )
    }
}

/// A plain HTML email (or a Liquid one: the same markup with Liquid
/// logic), built section by section until it reaches `target` bytes.
fn html_email(
    rng: &mut Rng,
    ctx: &Ctx,
    syntax: Syntax,
    target: usize,
    include_footer: bool,
) -> String {
    let b = ctx.brand;
    let mut h = String::with_capacity(target + 4096);
    let title = copy::heading(rng, ctx.cat, ctx.prod);
    let _ = writeln!(h, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">");
    let _ = writeln!(h, "<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">");
    let _ = writeln!(h, "<head>\n  <meta charset=\"utf-8\">\n  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  <meta name=\"x-apple-disable-message-reformatting\">\n  <title>{title}</title>");
    let _ = writeln!(h, "  <!--[if mso]><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->");
    let _ = writeln!(
        h,
        "  <style type=\"text/css\">\n{}  </style>\n</head>",
        stylesheet(rng, b)
    );
    let _ = writeln!(
        h,
        "<body class=\"dark-bg\" style=\"margin:0;padding:0;background:#f4f1ea;\">"
    );
    let _ = writeln!(
        h,
        "  <div class=\"preheader\" style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;\">{}</div>",
        copy::preheader(rng, ctx.cat, ctx.prod)
    );
    if syntax == Syntax::Liquid && rng.chance(50) {
        let _ = writeln!(
            h,
            "  {{% assign hero_colour = '{}' %}}",
            rng.pick(copy::COLOURS)
        );
    }
    let _ = writeln!(h, "  <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background:#f4f1ea;\">\n  <tr><td align=\"center\" style=\"padding:24px 0;\">");
    let _ = writeln!(h, "  <!--[if mso]><table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\"><tr><td><![endif]-->");
    let _ = writeln!(h, "  <table role=\"presentation\" class=\"container\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:600px;max-width:600px;background:#ffffff;\">");
    // Header: logo and navigation.
    let _ = writeln!(
        h,
        "    <tr><td style=\"padding:20px 32px;border-bottom:1px solid #eeeeee;\"><a href=\"https://{d}/\"><img src=\"https://cdn.{d}/logo.png\" alt=\"{name}\" width=\"140\" height=\"40\" style=\"display:block;\"></a></td>\n    <td align=\"right\" style=\"padding:20px 32px;{FONT}font-size:13px;\"><a href=\"https://{d}/new\" style=\"color:#333333;text-decoration:none;\">New in</a> &nbsp; <a href=\"https://{d}/stores\" style=\"color:#333333;text-decoration:none;\">Stores</a></td></tr>",
        d = b.domain,
        name = b.name
    );
    // Hero.
    let _ = writeln!(
        h,
        "    <tr><td colspan=\"2\" class=\"hero\"><img src=\"{}\" alt=\"{}\" width=\"600\" style=\"display:block;width:100%;height:auto;\"></td></tr>",
        ctx.image(rng),
        ctx.alt(rng)
    );
    let footer = footer_html(ctx, syntax);
    let mut first = true;
    while h.len() + footer.len() + 900 < target || first {
        match if first { 0 } else { rng.below(4) } {
            0 | 1 => {
                let (heading, paras) = article_copy(rng, ctx, syntax, first);
                first = false;
                let _ = writeln!(
                    h,
                    "    <tr><td colspan=\"2\" class=\"content s{}\" style=\"padding:24px 32px;\">",
                    rng.below(6)
                );
                let _ = writeln!(h, "      <h2 style=\"margin:0 0 12px 0;{FONT}font-size:{}px;line-height:1.3;color:#1a1a1a;\">{heading}</h2>", rng.between(20, 26));
                for p in paras {
                    let _ = writeln!(h, "      <p style=\"{}\">{p}</p>", text_style(rng));
                }
                let label = copy::cta(rng, ctx.prod);
                let _ = writeln!(h, "      {}", button(rng, ctx, &label));
                let _ = writeln!(h, "    </td></tr>");
            }
            2 => {
                // Two products side by side.
                let _ = writeln!(h, "    <tr><td colspan=\"2\" style=\"padding:8px 20px;\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr>");
                for _ in 0..2 {
                    let model = copy::model(rng);
                    let _ = writeln!(
                        h,
                        "      <td class=\"column\" width=\"50%\" valign=\"top\" style=\"padding:12px;\">\n        <img src=\"{}\" alt=\"{}\" width=\"256\" style=\"display:block;width:100%;height:auto;border-radius:4px;\">\n        <p style=\"margin:12px 0 4px 0;{FONT}font-size:16px;font-weight:bold;color:#1a1a1a;\">{model}</p>\n        <p style=\"margin:0 0 8px 0;{FONT}font-size:14px;color:#555555;\">{} &middot; {}</p>\n        <a href=\"{}\" style=\"{FONT}font-size:14px;color:{};\">Shop the {model}</a>\n      </td>",
                        ctx.image(rng),
                        ctx.alt(rng),
                        copy::sentence(rng, ctx.cat, ctx.prod),
                        copy::price(rng),
                        ctx.url(rng),
                        b.colour
                    );
                }
                let _ = writeln!(h, "    </tr></table></td></tr>");
            }
            _ => {
                // Products the sender fills in a loop.
                let [open, title, price, close] = syntax.each();
                let _ = writeln!(h, "    <tr><td colspan=\"2\" style=\"padding:8px 32px;\"><h3 style=\"{FONT}font-size:18px;\">{}</h3></td></tr>", copy::heading(rng, ctx.cat, ctx.prod));
                let _ = writeln!(h, "    {open}");
                let _ = writeln!(h, "    <tr><td colspan=\"2\" style=\"padding:8px 32px;border-top:1px solid #eeeeee;{FONT}font-size:15px;\">{title} &ndash; {price}</td></tr>");
                let _ = writeln!(h, "    {close}");
            }
        }
        // A spacer, as builders write them.
        let _ = writeln!(h, "    <tr><td colspan=\"2\" height=\"{}\" style=\"font-size:0;line-height:0;\">&nbsp;</td></tr>", rng.between(8, 32));
    }
    if include_footer && ctx.mistake != Some(Mistake::NoUnsubscribe) {
        let _ = writeln!(
            h,
            "    <tr><td colspan=\"2\">{{% include 'footer' %}}</td></tr>"
        );
    } else {
        let _ = writeln!(h, "    <tr><td colspan=\"2\" class=\"footer\" style=\"padding:24px 32px;background:#fafafa;{FONT}font-size:12px;line-height:18px;color:#777777;\">\n            {footer}\n    </td></tr>");
    }
    let _ = writeln!(h, "  </table>\n  <!--[if mso]></td></tr></table><![endif]-->\n  </td></tr>\n  </table>\n</body>\n</html>");
    h
}

/// An MJML email.
fn mjml_email(rng: &mut Rng, ctx: &Ctx, target: usize, include_footer: bool) -> String {
    let b = ctx.brand;
    let syntax = Syntax::Liquid;
    let mut m = String::with_capacity(target + 4096);
    let _ = writeln!(
        m,
        "<mjml>\n  <mj-head>\n    <mj-title>{}</mj-title>",
        copy::heading(rng, ctx.cat, ctx.prod)
    );
    let _ = writeln!(
        m,
        "    <mj-preview>{}</mj-preview>",
        copy::preheader(rng, ctx.cat, ctx.prod)
    );
    let _ = writeln!(m, "    <mj-attributes>\n      <mj-all font-family=\"Helvetica, Arial, sans-serif\" />\n      <mj-text font-size=\"{}px\" line-height=\"{}px\" color=\"#333333\" />\n      <mj-button background-color=\"{}\" color=\"#ffffff\" border-radius=\"4px\" />\n      <mj-class name=\"muted\" color=\"#777777\" font-size=\"12px\" />\n    </mj-attributes>", rng.between(14, 17), rng.between(20, 26), b.colour);
    let _ = writeln!(
        m,
        "    <mj-style inline=\"inline\">\n{}    </mj-style>\n  </mj-head>",
        stylesheet(rng, b)
    );
    let _ = writeln!(
        m,
        "  <mj-body background-color=\"#f4f1ea\" width=\"600px\">"
    );
    let _ = writeln!(m, "    <mj-section padding=\"16px\"><mj-column><mj-image src=\"https://cdn.{}/logo.png\" alt=\"{}\" width=\"140px\" align=\"left\" /></mj-column></mj-section>", b.domain, b.name);
    let _ = writeln!(m, "    <mj-section><mj-column><mj-image src=\"{}\" alt=\"{}\" padding=\"0\" /></mj-column></mj-section>", ctx.image(rng), ctx.alt(rng));
    let footer_len = 600;
    let mut first = true;
    while m.len() + footer_len + 400 < target || first {
        if first || rng.below(3) != 0 {
            let (heading, paras) = article_copy(rng, ctx, syntax, first);
            first = false;
            let _ = writeln!(m, "    <mj-section background-color=\"#ffffff\" padding=\"{}px 24px\">\n      <mj-column>", rng.between(12, 28));
            let _ = writeln!(
                m,
                "        <mj-text font-size=\"{}px\" font-weight=\"bold\">{heading}</mj-text>",
                rng.between(20, 26)
            );
            for p in paras {
                let _ = writeln!(m, "        <mj-text>{p}</mj-text>");
            }
            let _ = writeln!(
                m,
                "        <mj-button href=\"{}\">{}</mj-button>",
                ctx.url(rng),
                copy::cta(rng, ctx.prod)
            );
            let _ = writeln!(m, "      </mj-column>\n    </mj-section>");
        } else {
            let _ = writeln!(
                m,
                "    <mj-section background-color=\"#ffffff\" padding=\"8px 12px\">"
            );
            for _ in 0..2 {
                let model = copy::model(rng);
                let _ = writeln!(
                    m,
                    "      <mj-column>\n        <mj-image src=\"{}\" alt=\"{}\" border-radius=\"4px\" />\n        <mj-text font-weight=\"bold\">{model}</mj-text>\n        <mj-text>{} {}</mj-text>\n        <mj-button href=\"{}\" font-size=\"14px\">Shop the {model}</mj-button>\n      </mj-column>",
                    ctx.image(rng),
                    ctx.alt(rng),
                    copy::sentence(rng, ctx.cat, ctx.prod),
                    copy::price(rng),
                    ctx.url(rng)
                );
            }
            let _ = writeln!(m, "    </mj-section>");
        }
        let _ = writeln!(m, "    <mj-spacer height=\"{}px\" />", rng.between(8, 24));
    }
    if include_footer && ctx.mistake != Some(Mistake::NoUnsubscribe) {
        let _ = writeln!(m, "    <mj-include path=\"../partials/footer.mjml\" />");
    } else {
        let _ = writeln!(m, "    <mj-section padding=\"16px 24px\">\n      <mj-column>\n        <mj-text mj-class=\"muted\">\n          {}\n        </mj-text>\n      </mj-column>\n    </mj-section>", footer_html(ctx, syntax));
    }
    let _ = writeln!(m, "  </mj-body>\n</mjml>");
    m
}

/// A React Email component (TypeScript when `tsx`).
fn react_email(rng: &mut Rng, ctx: &Ctx, target: usize, tsx: bool) -> String {
    let b = ctx.brand;
    let name = format!(
        "{}{}Email{}",
        copy::capitalise(ctx.cat),
        copy::capitalise(ctx.prod),
        ctx.n
    );
    let mut r = String::with_capacity(target + 4096);
    let _ = writeln!(r, "import {{\n  Body,\n  Button,\n  Column,\n  Container,\n  Head,\n  Heading,\n  Hr,\n  Html,\n  Img,\n  Link,\n  Preview,\n  Row,\n  Section,\n  Text,\n}} from '@react-email/components';\nimport * as React from 'react';\n");
    if tsx {
        let _ = writeln!(r, "interface Pick {{\n  title: string;\n  price: string;\n  image: string;\n  url: string;\n}}\n");
        let _ = writeln!(r, "interface {name}Props {{\n  firstName?: string;\n  city?: string;\n  unsubscribeUrl: string;\n  picks: Pick[];\n}}\n");
    }
    let ty = |t: &str| if tsx { format!(": {t}") } else { String::new() };
    let style_ty = ty("React.CSSProperties");
    let _ = writeln!(r, "const baseUrl = process.env.ASSETS_URL ? `https://${{process.env.ASSETS_URL}}` : 'https://cdn.{}';\n", b.domain);
    // Style objects, as React Email components declare them.
    let _ = writeln!(r, "const main{style_ty} = {{\n  backgroundColor: '#f4f1ea',\n  fontFamily: '-apple-system, BlinkMacSystemFont, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif',\n}};\n");
    let _ = writeln!(r, "const container{style_ty} = {{\n  margin: '0 auto',\n  padding: '20px 0 48px',\n  maxWidth: '600px',\n  backgroundColor: '#ffffff',\n}};\n");
    let styles = rng.between(4, 12);
    for i in 0..styles {
        let _ = writeln!(
            r,
            "const text{i}{style_ty} = {{\n  fontSize: '{}px',\n  lineHeight: '{}px',\n  color: '#{:06x}',\n  margin: '0 0 {}px',\n  padding: '0 {}px',\n}};\n",
            rng.between(14, 18),
            rng.between(20, 28),
            rng.below(0x60_0000),
            rng.between(8, 20),
            rng.between(16, 40)
        );
    }
    let center = if tsx { "'center' as const" } else { "'center'" };
    let _ = writeln!(r, "const button{style_ty} = {{\n  backgroundColor: '{}',\n  borderRadius: '4px',\n  color: '#ffffff',\n  fontSize: '16px',\n  textDecoration: 'none',\n  textAlign: {center},\n  display: 'block',\n  padding: '12px 24px',\n}};\n", b.colour);
    let _ = writeln!(r, "const footer{style_ty} = {{\n  color: '#777777',\n  fontSize: '12px',\n  lineHeight: '18px',\n}};\n");
    let fallback = ctx.mistake != Some(Mistake::NoFallback);
    let first_name = if fallback {
        "firstName = 'there'"
    } else {
        "firstName"
    };
    let props = if tsx {
        format!(": {name}Props")
    } else {
        String::new()
    };
    let _ = writeln!(r, "export default function {name}({{ {first_name}, city = 'your area', unsubscribeUrl, picks = [] }}{props}) {{");
    let _ = writeln!(r, "  return (\n    <Html lang=\"en\">\n      <Head />");
    let preview = copy::preheader(rng, ctx.cat, ctx.prod);
    let _ = writeln!(r, "      <Preview>{preview}</Preview>");
    let _ = writeln!(
        r,
        "      <Body style={{main}}>\n        <Container style={{container}}>"
    );
    let _ = writeln!(
        r,
        "          <Img src={{`${{baseUrl}}/logo.png`}} alt=\"{}\" width=\"140\" height=\"40\" />",
        b.name
    );
    let _ = writeln!(
        r,
        "          <Img src=\"{}\" alt=\"{}\" width=\"600\" />",
        ctx.image(rng),
        ctx.alt(rng)
    );
    let tail = 900;
    let mut first = true;
    while r.len() + tail < target || first {
        let t = rng.below(styles);
        if first || rng.below(3) != 0 {
            let heading = copy::heading(rng, ctx.cat, ctx.prod);
            let _ = writeln!(
                r,
                "          <Section>\n            <Heading as=\"h2\">{heading}</Heading>"
            );
            if first {
                let _ = writeln!(
                    r,
                    "            <Text style={{text{t}}}>Hi {{firstName}},</Text>"
                );
                if ctx.mistake == Some(Mistake::Surveillance) {
                    let _ = writeln!(
                        r,
                        "            <Text style={{text{t}}}>{}</Text>",
                        copy::surveillance(rng, ctx.prod)
                    );
                }
                if ctx.mistake == Some(Mistake::Occasion) {
                    let _ = writeln!(
                        r,
                        "            <Text style={{text{t}}}>{}</Text>",
                        copy::occasion(rng, ctx.cat)
                    );
                }
                let _ = writeln!(r, "            <Text style={{text{t}}}>\n              {} Picked for {{city}}.\n            </Text>", copy::paragraph(rng, ctx.cat, ctx.prod));
            }
            first = false;
            for _ in 0..rng.between(1, 3) {
                let _ = writeln!(
                    r,
                    "            <Text style={{text{t}}}>\n              {}\n            </Text>",
                    copy::paragraph(rng, ctx.cat, ctx.prod)
                );
            }
            let _ = writeln!(r, "            <Button style={{button}} href=\"{}\">\n              {}\n            </Button>\n          </Section>", ctx.url(rng).replace("&amp;", "&"), copy::cta(rng, ctx.prod));
        } else if rng.below(2) == 0 {
            let _ = writeln!(r, "          <Section>\n            <Row>");
            for _ in 0..2 {
                let model = copy::model(rng);
                let _ = writeln!(r, "              <Column style={{{{ width: '50%', padding: '12px' }}}}>\n                <Img src=\"{}\" alt=\"{}\" width=\"256\" />\n                <Text style={{text{t}}}>{model}</Text>\n                <Text style={{text{t}}}>{} {}</Text>\n                <Link href=\"{}\">Shop the {model}</Link>\n              </Column>", ctx.image(rng), ctx.alt(rng), copy::sentence(rng, ctx.cat, ctx.prod), copy::price(rng), ctx.url(rng).replace("&amp;", "&"));
            }
            let _ = writeln!(r, "            </Row>\n          </Section>");
        } else {
            let p = if tsx { "(p: Pick)" } else { "(p)" };
            let _ = writeln!(r, "          <Section>\n            <Heading as=\"h3\">{}</Heading>\n            {{picks.map({p} => (\n              <Row key={{p.url}}>\n                <Column><Img src={{p.image}} alt={{p.title}} width=\"96\" /></Column>\n                <Column>\n                  <Text style={{text{t}}}>{{p.title}}</Text>\n                  <Text style={{text{t}}}>{{p.price}}</Text>\n                  <Link href={{p.url}}>View</Link>\n                </Column>\n              </Row>\n            ))}}\n          </Section>", copy::heading(rng, ctx.cat, ctx.prod));
        }
    }
    let _ = writeln!(r, "          <Hr />");
    if ctx.mistake == Some(Mistake::NoUnsubscribe) {
        let _ = writeln!(r, "          <Text style={{footer}}>{}, {}</Text>\n          <Text style={{footer}}>Questions? Write to help@{}.</Text>", b.name, b.address, b.domain);
    } else {
        let _ = writeln!(r, "          <Text style={{footer}}>You are receiving this email because you joined the {} list.</Text>\n          <Text style={{footer}}>{}, {}</Text>\n          <Link href={{unsubscribeUrl}} style={{footer}}>\n            Unsubscribe\n          </Link>", b.name, b.name, b.address);
    }
    let _ = writeln!(
        r,
        "        </Container>\n      </Body>\n    </Html>\n  );\n}}\n"
    );
    let satisfies = if tsx {
        format!(" satisfies {name}Props")
    } else {
        String::new()
    };
    let _ = writeln!(
        r,
        "{name}.PreviewProps = {{\n  firstName: '{}',\n  city: '{}',\n  unsubscribeUrl: 'https://{}/u',\n  picks: [\n    {{ title: '{}', price: '{}', image: `${{baseUrl}}/p/1.jpg`, url: 'https://{}/p/1' }},\n  ],\n}}{satisfies};",
        rng.pick(copy::STAFF),
        rng.pick(copy::STORES),
        b.domain,
        copy::model(rng),
        copy::price(rng),
        b.domain
    );
    r
}

/// The footer partials a brand's templates include.
fn partials(dir: &Path, brand: &Brand) -> Vec<(PathBuf, String)> {
    vec![
        (
            dir.join("emails/_includes/footer.liquid"),
            format!(
                "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">\n  <tr><td class=\"footer\" style=\"padding:24px 32px;background:#fafafa;{FONT}font-size:12px;line-height:18px;color:#777777;\">\n    You are receiving this email because you joined the {n} list.<br>\n    {n}, {a}<br>\n    <a href=\"{{{{ unsubscribe_url }}}}\" style=\"color:#777777;\">Unsubscribe</a> &middot; <a href=\"{{{{ manage_preferences_url }}}}\" style=\"color:#777777;\">Manage preferences</a>\n  </td></tr>\n</table>\n",
                n = brand.name,
                a = brand.address
            ),
        ),
        (
            dir.join("emails/partials/footer.mjml"),
            format!(
                "<mj-section padding=\"16px 24px\">\n  <mj-column>\n    <mj-text mj-class=\"muted\">\n      You are receiving this email because you joined the {n} list.<br>\n      {n}, {a}<br>\n      <a href=\"{{{{ unsubscribe_url }}}}\">Unsubscribe</a> &middot; <a href=\"{{{{ manage_preferences_url }}}}\">Manage preferences</a>\n    </mj-text>\n  </mj-column>\n</mj-section>\n",
                n = brand.name,
                a = brand.address
            ),
        ),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, n, seed] = args.as_slice() else {
        eprintln!("usage: gen-templates OUT N SEED");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let n: usize = n.parse().expect("N is a number");
    let seed: u64 = seed.parse().expect("SEED is a number");
    let mut rng = Rng::new(seed);
    let mut bytes = 0usize;
    let mut files = 0usize;
    let mut write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().expect("a folder"))
            .expect("create the output folder");
        std::fs::write(path, text).expect("write a template");
        bytes += text.len();
        files += 1;
    };
    for (t, brand) in BRANDS.iter().enumerate().take(TEAMS) {
        for (path, text) in partials(&out.join(format!("brand-{t:02}")), brand) {
            write(&path, &text);
        }
    }
    let mut kinds = [0usize; 6];
    let mut mistakes = [0usize; 5];
    for i in 0..n {
        let t = i % TEAMS;
        let brand = &BRANDS[t % BRANDS.len()];
        let ctx = Ctx {
            n: i,
            brand,
            cat: rng.pick(CATEGORIES),
            prod: rng.pick(PRODUCTS),
            mistake: Mistake::draw(&mut rng),
        };
        mistakes[ctx.mistake.map_or(0, |m| m as usize + 1)] += 1;
        // 5–40 KB, more small files than large ones (about 19 KB on average).
        let target = 5_000 + (35_000.0 * rng.unit().powf(1.5)) as usize;
        let dir = out.join(format!("brand-{t:02}/emails"));
        let stem = format!("{}-{}-{i:05}", ctx.cat, ctx.prod);
        let kind = rng.below(100);
        let (path, text) = match kind {
            0..=19 => (
                dir.join(format!("html/{stem}.html")),
                html_email(&mut rng, &ctx, Syntax::Liquid, target, false),
            ),
            20..=34 => (
                dir.join(format!("html/{stem}.html")),
                html_email(&mut rng, &ctx, Syntax::Handlebars, target, false),
            ),
            35..=54 => {
                let include = rng.chance(50);
                (
                    dir.join(format!("mjml/{stem}.mjml")),
                    mjml_email(&mut rng, &ctx, target, include),
                )
            }
            55..=74 => {
                let include = rng.chance(50);
                (
                    dir.join(format!("liquid/{stem}.liquid")),
                    html_email(&mut rng, &ctx, Syntax::Liquid, target, include),
                )
            }
            75..=91 => (
                dir.join(format!("react/{stem}.tsx")),
                react_email(&mut rng, &ctx, target, true),
            ),
            _ => (
                dir.join(format!("react/{stem}.jsx")),
                react_email(&mut rng, &ctx, target, false),
            ),
        };
        kinds[match kind {
            0..=19 => 0,
            20..=34 => 1,
            35..=54 => 2,
            55..=74 => 3,
            75..=91 => 4,
            _ => 5,
        }] += 1;
        write(&path, &text);
    }
    eprintln!(
        "wrote {files} files ({n} templates: {} HTML+Liquid, {} HTML+Handlebars, {} MJML, {} Liquid, {} TSX, {} JSX; {} clean, {} no fallback, {} surveillance, {} no unsubscribe, {} occasion; and {} partials), {:.1} MB, to {}",
        kinds[0],
        kinds[1],
        kinds[2],
        kinds[3],
        kinds[4],
        kinds[5],
        mistakes[0],
        mistakes[1],
        mistakes[2],
        mistakes[3],
        mistakes[4],
        2 * TEAMS,
        bytes as f64 / 1e6,
        out.display()
    );
}
