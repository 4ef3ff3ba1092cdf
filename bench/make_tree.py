#!/usr/bin/env python3
"""Build a Magento-like tree for the benchmarks (standard library only, deterministic).

    bench/make_tree.py OUT --scale N [--seed S] [--corpus DIR | --no-corpus] [--bulk-scale B]

Scale 1 has the shape of a composer-installed Magento 2.4.8: about 360 modules, the ACL tree
of a standard install, a few third-party modules with integration configuration, and a
vendor/ folder of about 60,000 files that are not configuration (PHP classes, JS, CSS, docs,
packages of other types in installed.json). When the real corpus is present
(../shared/corpus), its Magento modules are copied in (never into the project); otherwise
modules with generated names and ACL trees of the same size are written.

Scale N adds 360 * (N - 1) generated modules (vendor/<vendor>/module-*, registered in
vendor/composer/installed.json) whose ACL trees hang under the real Magento_Backend::admin,
with webapi, menu, system, integration files and Setup scripts in the same proportions as
scale 1. The non-configuration bulk (other packages, and the files of modules the server
does not read) grows by --bulk-scale (default: the scale, capped at 10, because 6 million
files would need about 25 GB of disk and an hour to write; the indexer never lists those
folders, so their number changes no figure except disk use and generation time).

The tree for a given (scale, seed) is always byte-identical, and the tree of scale N contains
the tree of scale 1. OUT/.mil-bench.json describes it (counts, and the files the benchmarks
edit and query).
"""

import argparse
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = 4
BASE_MODULES = 360
VENDOR_FILES = 60000  # vendor/ files at scale 1

HERE = os.path.dirname(os.path.abspath(__file__))


def default_corpus():
    """shared/corpus beside the repository, or beside one of its ancestors (a worktree)."""
    d = os.path.dirname(HERE)
    while True:
        cand = os.path.join(os.path.dirname(d), "shared", "corpus")
        if os.path.isdir(cand) or os.path.dirname(d) == d:
            return cand if os.path.isdir(cand) else os.path.join(os.path.dirname(HERE), "..",
                                                                  "shared", "corpus")
        d = os.path.dirname(d)


DEFAULT_CORPUS = os.path.normpath(default_corpus())

WORDS = (
    "Sync Order Export Import Connector Feed Pay Ship Tax Review Loyalty Search Stock Price "
    "Report Mail Chat Social Cart Gift Label Return Invoice Catalog Media Banner Slider Blog "
    "Seo Sitemap Cache Queue Cron Audit Fraud Risk Credit Wallet Points Reward Bundle Subscribe "
    "Notify Sms Push Pixel Tracking Analytics Insight Ledger Erp Crm Pim Wms Dropship Vendor "
    "Market Auction Quote Rma Warranty Booking Event Ticket Store Locator Map Geo Currency "
    "Rate Rule Promo Coupon Affiliate Referral Survey Form Field Grid Filter Attribute Swatch "
    "Image Video Zoom Gallery Faq Page Menu Layout Theme Font Icon Widget Block Ajax Api Graph "
    "Hook Bridge Link Channel Amazon Ebay Feedonomics Google Meta Klaviyo Sendgrid Mailchimp"
).split()
SYLLABLES = "ka ri vo ne sa lu mi te zo ra ni co de fa gu ho la me pe qui ro si ta ve xo yu za".split()
TLDS = ["com", "io", "net", "dev", "app"]

# Chains of real ids under which third-party modules hang their resources.
ANCHORS = [
    ["Magento_Backend::admin"],
    ["Magento_Backend::admin"],
    ["Magento_Backend::admin", "Magento_Backend::stores", "Magento_Backend::stores_settings",
     "Magento_Config::config"],
    ["Magento_Backend::admin", "Magento_Backend::stores", "Magento_Backend::stores_settings",
     "Magento_Config::config"],
    ["Magento_Backend::admin", "Magento_Sales::sales", "Magento_Sales::sales_operation"],
    ["Magento_Backend::admin", "Magento_Backend::system"],
    ["Magento_Backend::admin", "Magento_Backend::marketing"],
    ["Magento_Backend::admin", "Magento_Backend::content"],
    ["Magento_Backend::admin", "Magento_Reports::report"],
    ["Magento_Backend::admin", "Magento_Catalog::catalog", "Magento_Catalog::catalog_inventory"],
    ["Magento_Backend::admin", "Magento_Customer::customer"],
]

# Real ids an integration typically asks for (all present in a standard install).
COMMON_RESOURCES = [
    ["Magento_Backend::admin"],
    ["Magento_Sales::sales", "Magento_Sales::sales_operation", "Magento_Sales::sales_order",
     "Magento_Sales::actions", "Magento_Sales::actions_view"],
    ["Magento_Catalog::catalog", "Magento_Catalog::catalog_inventory", "Magento_Catalog::products"],
    ["Magento_Customer::customer", "Magento_Customer::manage"],
    ["Magento_Backend::stores", "Magento_Backend::stores_settings", "Magento_Config::config"],
    ["Magento_Backend::content", "Magento_Cms::page"],
]

# The skeleton of real ids a synthesized core must have (id, parent, title, module).
SKELETON = [
    ("Magento_Backend::all", "", "All", "Magento_Backend"),
    ("Magento_Backend::admin", "", "Magento Admin", "Magento_Backend"),
    ("Magento_Backend::dashboard", "Magento_Backend::admin", "Dashboard", "Magento_Backend"),
    ("Magento_Sales::sales", "Magento_Backend::admin", "Sales", "Magento_Sales"),
    ("Magento_Sales::sales_operation", "Magento_Sales::sales", "Operations", "Magento_Sales"),
    ("Magento_Sales::sales_order", "Magento_Sales::sales_operation", "Orders", "Magento_Sales"),
    ("Magento_Sales::actions", "Magento_Sales::sales_order", "Actions", "Magento_Sales"),
    ("Magento_Sales::actions_view", "Magento_Sales::actions", "View", "Magento_Sales"),
    ("Magento_Catalog::catalog", "Magento_Backend::admin", "Catalog", "Magento_Catalog"),
    ("Magento_Catalog::catalog_inventory", "Magento_Catalog::catalog", "Inventory",
     "Magento_Catalog"),
    ("Magento_Catalog::products", "Magento_Catalog::catalog_inventory", "Products",
     "Magento_Catalog"),
    ("Magento_Customer::customer", "Magento_Backend::admin", "Customers", "Magento_Customer"),
    ("Magento_Customer::manage", "Magento_Customer::customer", "All Customers",
     "Magento_Customer"),
    ("Magento_Backend::marketing", "Magento_Backend::admin", "Marketing", "Magento_Backend"),
    ("Magento_Backend::content", "Magento_Backend::admin", "Content", "Magento_Backend"),
    ("Magento_Cms::page", "Magento_Backend::content", "Pages", "Magento_Cms"),
    ("Magento_Reports::report", "Magento_Backend::admin", "Reports", "Magento_Reports"),
    ("Magento_Backend::stores", "Magento_Backend::admin", "Stores", "Magento_Backend"),
    ("Magento_Backend::stores_settings", "Magento_Backend::stores", "Settings",
     "Magento_Backend"),
    ("Magento_Config::config", "Magento_Backend::stores_settings", "Configuration",
     "Magento_Config"),
    ("Magento_Backend::system", "Magento_Backend::admin", "System", "Magento_Backend"),
    ("Magento_Integration::extensions", "Magento_Backend::system", "System Extensions",
     "Magento_Integration"),
    ("Magento_Integration::integrations", "Magento_Integration::extensions",
     "System Integrations", "Magento_Integration"),
]

XML_HEAD = '<?xml version="1.0"?>\n'
LICENSE_COMMENT = "<!--\n/**\n * Generated for magento-integration-ls benchmarks.\n */\n-->\n"


class Writer:
    """Writes files, creating folders once, and counts what it wrote by area."""

    def __init__(self, out):
        self.out = out
        self.dirs = set()
        self.counts = {}

    def write(self, rel, text, area):
        path = os.path.join(self.out, rel)
        d = os.path.dirname(path)
        if d not in self.dirs:
            os.makedirs(d, exist_ok=True)
            self.dirs.add(d)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.counts[area] = self.counts.get(area, 0) + 1


def camel(rng, parts=2):
    return "".join(rng.choice(WORDS) for _ in range(parts))


def vendor_name(rng):
    n = rng.randint(2, 3)
    s = "".join(rng.choice(SYLLABLES) for _ in range(n))
    return s.capitalize()


def kebab(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i:
            out.append("-")
        out.append(c.lower())
    return "".join(out)


def snake(name):
    return kebab(name).replace("-", "_")


def title_of(rng, base):
    t = base + " " + rng.choice(WORDS)
    return t[:50] if len(t) >= 3 else t + " Settings"


# ---- files of one module -------------------------------------------------------------------


def registration_php(module):
    return (
        "<?php\n/**\n * Generated for magento-integration-ls benchmarks.\n */\n\n"
        "use Magento\\Framework\\Component\\ComponentRegistrar;\n\n"
        f"ComponentRegistrar::register(ComponentRegistrar::MODULE, '{module}', __DIR__);\n"
    )


def module_xml(module, sequence):
    seq = ""
    if sequence:
        seq = "        <sequence>\n" + "".join(
            f'            <module name="{s}"/>\n' for s in sequence) + "        </sequence>\n"
    return (XML_HEAD + LICENSE_COMMENT +
            '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">\n'
            f'    <module name="{module}">\n' + seq + "    </module>\n</config>\n")


def composer_json(package, module, version, requires):
    vendor, name = module.split("_", 1)
    return json.dumps({
        "name": package,
        "description": f"{vendor} {name} for Magento 2",
        "type": "magento2-module",
        "license": ["OSL-3.0"],
        "version": version,
        "require": {"php": "~8.2.0||~8.3.0", **{r: "*" for r in requires}},
        "autoload": {"files": ["registration.php"], "psr-4": {f"{vendor}\\{name}\\": ""}},
    }, indent=4) + "\n"


def acl_xml(tree):
    """tree: list of (id, attrs, children) with attrs a dict (title, sortOrder...)."""
    lines = [XML_HEAD, LICENSE_COMMENT,
             '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">\n',
             "    <acl>\n        <resources>\n"]

    def emit(node, depth):
        rid, attrs, children = node
        pad = "    " * (depth + 3)
        a = "".join(f' {k}="{v}"' for k, v in attrs.items())
        if children:
            lines.append(f'{pad}<resource id="{rid}"{a}>\n')
            for c in children:
                emit(c, depth + 1)
            lines.append(f"{pad}</resource>\n")
        else:
            lines.append(f'{pad}<resource id="{rid}"{a}/>\n')

    for n in tree:
        emit(n, 0)
    lines.append("        </resources>\n    </acl>\n</config>\n")
    return "".join(lines)


def chain_tree(chain, leaf_nodes):
    """Wrap nodes in the chain of ancestor ids (no titles, as modules write them)."""
    node = leaf_nodes
    for rid in reversed(chain):
        node = [(rid, {}, node)]
    return node


def merge_roots(trees):
    """Merge top-level trees that share ids (so one file lists Magento_Backend::admin once)."""
    out = []
    for t in trees:
        for n in t:
            for i, m in enumerate(out):
                if m[0] == n[0] and not m[1] and not n[1]:
                    out[i] = (m[0], m[1], merge_roots([m[2], n[2]]))
                    break
            else:
                out.append(n)
    return out


def webapi_xml(module, routes):
    vendor, name = module.split("_", 1)
    body = []
    for url, method, refs in routes:
        body.append(f'    <route url="{url}" method="{method}">\n'
                    f'        <service class="{vendor}\\{name}\\Api\\ItemRepositoryInterface" '
                    f'method="{"get" if method == "GET" else "save"}"/>\n'
                    "        <resources>\n" +
                    "".join(f'            <resource ref="{r}"/>\n' for r in refs) +
                    "        </resources>\n    </route>\n")
    return (XML_HEAD + LICENSE_COMMENT +
            '<routes xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Webapi:etc/webapi.xsd">\n' +
            "".join(body) + "</routes>\n")


def menu_xml(module, items):
    body = "".join(
        f'        <add id="{mid}" title="{title}" translate="title" module="{module}" '
        f'sortOrder="{so}" parent="{parent}" resource="{res}"/>\n'
        for mid, title, so, parent, res in items)
    return (XML_HEAD + LICENSE_COMMENT +
            '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Backend:etc/menu.xsd">\n'
            "    <menu>\n" + body + "    </menu>\n</config>\n")


def system_xml(module, section, resource, rng):
    fields = "".join(
        f'                <field id="field_{i}" translate="label" type="text" sortOrder="{i * 10}" '
        f'showInDefault="1" showInWebsite="1" showInStore="0">\n'
        f"                    <label>{rng.choice(WORDS)} {rng.choice(WORDS)}</label>\n"
        "                </field>\n" for i in range(rng.randint(2, 8)))
    return (XML_HEAD + LICENSE_COMMENT +
            '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Config:etc/system_file.xsd">\n'
            "    <system>\n"
            f'        <section id="{section}" translate="label" sortOrder="500" showInDefault="1">\n'
            f"            <label>{section}</label>\n"
            f"            <resource>{resource}</resource>\n"
            '            <group id="general" translate="label" sortOrder="10" showInDefault="1">\n'
            "                <label>General</label>\n" + fields +
            "            </group>\n        </section>\n    </system>\n</config>\n")


def integration_xml(integrations):
    body = []
    for name, email, url, link, resources in integrations:
        body.append(f'    <integration name="{name}">\n'
                    f"        <email>{email}</email>\n"
                    f"        <endpoint_url>{url}</endpoint_url>\n"
                    f"        <identity_link_url>{link}</identity_link_url>\n"
                    "        <resources>\n" +
                    "".join(f'            <resource name="{r}"/>\n' for r in resources) +
                    "        </resources>\n    </integration>\n")
    return (XML_HEAD + LICENSE_COMMENT +
            '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Integration:etc/integration/'
            'integration.xsd">\n' + "".join(body) + "</config>\n")


def legacy_config_xml(name, email, url):
    return (XML_HEAD + LICENSE_COMMENT +
            '<integrations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Integration:etc/integration/'
            'config.xsd">\n'
            f'    <integration name="{name}">\n        <email>{email}</email>\n'
            f"        <endpoint_url>{url}</endpoint_url>\n    </integration>\n</integrations>\n")


def legacy_api_xml(name, resources):
    return (XML_HEAD + LICENSE_COMMENT +
            '<integrations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Integration:etc/integration/'
            'api.xsd">\n'
            f'    <integration name="{name}">\n        <resources>\n' +
            "".join(f'            <resource name="{r}"/>\n' for r in resources) +
            "        </resources>\n    </integration>\n</integrations>\n")


def php_class(namespace, cls, rng, extends=None, implements=None, body_lines=None, uses=()):
    methods = []
    for i in range(rng.randint(1, 5)):
        m = rng.choice(WORDS).lower() + rng.choice(WORDS)
        stmts = "".join(
            f"        ${rng.choice(WORDS).lower()}{j} = $this->{rng.choice(WORDS).lower()}"
            f"->get{rng.choice(WORDS)}(${rng.choice(WORDS).lower()}, {j});\n"
            for j in range(rng.randint(2, 12)))
        methods.append(f"    /**\n     * {rng.choice(WORDS)} {rng.choice(WORDS)}.\n     */\n"
                       f"    public function {m}{i}(array $data = []): array\n    {{\n{stmts}"
                       "        return $data;\n    }\n")
    if body_lines:
        methods.insert(0, "".join(body_lines))
    head = f"<?php\ndeclare(strict_types=1);\n\nnamespace {namespace};\n\n"
    head += "".join(f"use {u};\n" for u in uses) + ("\n" if uses else "")
    decl = f"class {cls}"
    if extends:
        decl += f" extends {extends}"
    if implements:
        decl += f" implements {implements}"
    return head + decl + "\n{\n" + "\n".join(methods) + "}\n"


def setup_files(module, rng, count, integration_names):
    """Setup/ scripts: data patches, and the legacy install script that processes integrations."""
    vendor, name = module.split("_", 1)
    ns = f"{vendor}\\{name}\\Setup"
    files = {}
    for i in range(count):
        cls = f"{camel(rng)}Patch{i}"
        files[f"Setup/Patch/Data/{cls}.php"] = php_class(
            ns + "\\Patch\\Data", cls, rng, implements="DataPatchInterface",
            uses=["Magento\\Framework\\Setup\\Patch\\DataPatchInterface",
                  "Magento\\Framework\\Setup\\ModuleDataSetupInterface"])
    if integration_names:
        names = ", ".join(f"'{n}'" for n in integration_names)
        files["Setup/InstallData.php"] = (
            f"<?php\nnamespace {ns};\n\n"
            "use Magento\\Framework\\Setup\\InstallDataInterface;\n"
            "use Magento\\Framework\\Setup\\ModuleContextInterface;\n"
            "use Magento\\Framework\\Setup\\ModuleDataSetupInterface;\n"
            "use Magento\\Integration\\Model\\ConfigBasedIntegrationManager;\n\n"
            "class InstallData implements InstallDataInterface\n{\n"
            "    private $integrationManager;\n\n"
            "    public function __construct(ConfigBasedIntegrationManager $integrationManager)\n"
            "    {\n        $this->integrationManager = $integrationManager;\n    }\n\n"
            "    public function install(ModuleDataSetupInterface $setup, "
            "ModuleContextInterface $context)\n    {\n"
            f"        $this->integrationManager->processIntegrationConfig([{names}]);\n"
            "    }\n}\n")
    return files


def module_bulk(module, rng, count):
    """Files of a module the server does not read: classes, controllers, views, tests."""
    vendor, name = module.split("_", 1)
    files = {}
    for i in range(count):
        kind = rng.random()
        word = camel(rng, 1)
        if kind < 0.35:
            files[f"Model/{word}/{camel(rng)}{i}.php"] = php_class(
                f"{vendor}\\{name}\\Model\\{word}", f"{camel(rng)}{i}", rng)
        elif kind < 0.5:
            cls = f"{camel(rng, 1)}{i}"
            files[f"Controller/Adminhtml/{word}/{cls}.php"] = php_class(
                f"{vendor}\\{name}\\Controller\\Adminhtml\\{word}", cls, rng,
                extends="\\Magento\\Backend\\App\\Action",
                body_lines=[f"    const ADMIN_RESOURCE = '{module}::{snake(word)}';\n"])
        elif kind < 0.65:
            files[f"view/adminhtml/web/js/{snake(word)}-{i}.js"] = js_file(rng)
        elif kind < 0.75:
            files[f"view/adminhtml/layout/{snake(module)}_{snake(word)}_{i}.xml"] = (
                XML_HEAD + '<page xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
                f'    <body><referenceContainer name="content"><block class="{vendor}\\{name}\\'
                f'Block\\{word}" name="{snake(word)}_{i}"/></referenceContainer></body>\n</page>\n')
        elif kind < 0.85:
            files[f"Test/Unit/{word}/{camel(rng)}{i}Test.php"] = php_class(
                f"{vendor}\\{name}\\Test\\Unit\\{word}", f"{camel(rng)}{i}Test", rng,
                extends="\\PHPUnit\\Framework\\TestCase")
        else:
            files[f"i18n/{['en_US', 'de_DE', 'fr_FR', 'nl_NL'][i % 4]}.csv"] = "".join(
                f'"{rng.choice(WORDS)} {rng.choice(WORDS)}","{rng.choice(WORDS)}"\n'
                for _ in range(rng.randint(5, 40)))
    return files


def js_file(rng):
    fns = "".join(
        f"    function {rng.choice(WORDS).lower()}{i}(config) {{\n"
        f"        return $.extend({{}}, config, {{ {rng.choice(WORDS).lower()}: {i} }});\n    }}\n"
        for i in range(rng.randint(2, 10)))
    return ("define(['jquery', 'underscore'], function ($, _) {\n    'use strict';\n\n" + fns +
            "    return {};\n});\n")


# ---- generated third-party modules -----------------------------------------------------------


def acl_subtree(rng, module, count, tag=""):
    """A module's own resources: one top node with `count - 1` descendants."""
    vendor, name = module.split("_", 1)
    top = (f"{module}::{snake(name)}{tag}", {"title": title_of(rng, name), "translate": "title",
                                            "sortOrder": str(rng.randint(1, 20) * 10)}, [])
    nodes = [top]
    for i in range(count - 1):
        parent = rng.choice(nodes)
        word = rng.choice(WORDS)
        child = (f"{module}::{snake(word)}{tag}_{i}",
                 {"title": title_of(rng, word), "translate": "title",
                  "sortOrder": str((i + 1) * 10)}, [])
        parent[2].append(child)
        nodes.append(child)
    return top, [n[0] for n in nodes]


def synthetic_module(rng, module, package, integration_kind, existing_ids, bulk_fraction=1.0):
    """All files of one generated module, and what it declares. Its files that the server does
    not read are written with probability `bulk_fraction` (they count as bulk)."""
    files = {}
    seq = ["Magento_Backend"]
    if integration_kind:
        seq.append("Magento_Integration")
    files["registration.php"] = registration_php(module)
    files["etc/module.xml"] = module_xml(module, seq)
    files["composer.json"] = composer_json(
        package, module, f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}",
        ["magento/framework", "magento/module-backend"])
    own_ids = []
    has_acl = integration_kind is not None or rng.random() < 0.2
    if has_acl:
        trees = []
        for k in range(1 if rng.random() < 0.8 else 2):
            chain = rng.choice(ANCHORS)
            top, ids = acl_subtree(rng, module, rng.randint(1, 7), "_more" if k else "")
            own_ids += ids
            trees.append(chain_tree(chain, [top]))
        files["etc/acl.xml"] = acl_xml(merge_roots(trees))
    if own_ids and rng.random() < 0.45:
        routes = []
        for i in range(rng.randint(1, 8)):
            refs = [rng.choice(own_ids)]
            if rng.random() < 0.2:
                refs.append(rng.choice(existing_ids))
            routes.append((f"/V1/{kebab(module.split('_')[1])}/items{i}/:id",
                           rng.choice(["GET", "POST", "PUT", "DELETE"]), refs))
        files["etc/webapi.xml"] = webapi_xml(module, routes)
    if own_ids and rng.random() < 0.4:
        items = [(f"{module}::menu_{i}", title_of(rng, rng.choice(WORDS)), (i + 1) * 10,
                  "Magento_Backend::stores" if i == 0 else f"{module}::menu_0", r)
                 for i, r in enumerate(own_ids[:4])]
        files["etc/adminhtml/menu.xml"] = menu_xml(module, items)
    if own_ids and rng.random() < 0.3:
        files["etc/adminhtml/system.xml"] = system_xml(module, snake(module), own_ids[0], rng)
    integration_names = []
    if integration_kind:
        vendor, name = module.split("_", 1)
        iname = f"{vendor} {name}"
        domain = f"{vendor.lower()}.{rng.choice(TLDS)}"
        resources = []
        for group in rng.sample(COMMON_RESOURCES, rng.randint(1, 3)):
            resources += group
        resources += own_ids[: rng.randint(1, len(own_ids))]
        if rng.random() < 0.15:  # the mistakes real modules make
            resources.append(rng.choice(["Magento_Log::online", "Magento_Sales::order",
                                         module + "::typo"]))
        if integration_kind == "current":
            files["etc/integration.xml"] = integration_xml(
                [(iname, f"support@{domain}", f"https://{domain}/magento/endpoint",
                  f"https://{domain}/magento/link", resources)])
        else:
            files["etc/integration/config.xml"] = legacy_config_xml(
                iname, f"support@{domain}", f"https://{domain}/magento/endpoint")
            files["etc/integration/api.xml"] = legacy_api_xml(iname, resources)
            integration_names.append(iname)
    files.update(setup_files(module, rng, rng.choice([0, 0, 1, 2, 3, 4, 6]), integration_names))
    bulk = module_bulk(module, rng, rng.randint(4, 20))
    if rng.random() < bulk_fraction:
        files.update(bulk)
    return files, own_ids


# ---- the probe module: what the benchmarks query and edit ------------------------------------

PROBE_MODULE = "Benchmark_Connector"
PROBE_DIR = "app/code/Benchmark/Connector"


def probe_module(rng):
    m = PROBE_MODULE
    top = (f"{m}::connector", {"title": "Benchmark Connector", "translate": "title",
                               "sortOrder": "90"},
           [(f"{m}::sync", {"title": "Synchronisation", "sortOrder": "10"},
             [(f"{m}::sync_orders", {"title": "Orders Sync", "sortOrder": "10"}, []),
              (f"{m}::sync_products", {"title": "Products Sync", "sortOrder": "20"}, [])]),
            (f"{m}::settings", {"title": "Connector Settings", "sortOrder": "20"}, [])])
    files = {
        "registration.php": registration_php(m),
        "etc/module.xml": module_xml(m, ["Magento_Backend", "Magento_Integration"]),
        "composer.json": composer_json("benchmark/module-connector", m, "1.0.0",
                                       ["magento/framework", "magento/module-integration"]),
        "etc/acl.xml": acl_xml(chain_tree(["Magento_Backend::admin"], [top])),
        "etc/webapi.xml": webapi_xml(m, [("/V1/connector/orders/:id", "GET",
                                          [f"{m}::sync_orders"]),
                                         ("/V1/connector/products", "POST",
                                          [f"{m}::sync_products", "Magento_Catalog::products"])]),
    }
    resources = ["Magento_Backend::admin"]
    for group in COMMON_RESOURCES[1:]:
        resources += group
    resources += [f"{m}::connector", f"{m}::sync", f"{m}::sync_orders", f"{m}::sync_products",
                  f"{m}::settings"]
    files["etc/integration.xml"] = integration_xml(
        [("Benchmark Connector", "support@benchmark.example", "https://benchmark.example/endpoint",
          "https://benchmark.example/link", resources)])
    files.update(setup_files(m, rng, 2, []))
    files.update(module_bulk(m, rng, 10))
    return files


# ---- the core: the real corpus, or generated -------------------------------------------------


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def registered_name(path):
    """The module name registration.php registers, or None."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    i = text.find("ComponentRegistrar::MODULE")
    if i < 0:
        return None
    q = text.find("'", i)
    return text[q + 1:text.find("'", q + 1)]


def copy_corpus(corpus, out, w, layout):
    """The real Magento modules of the corpus. layout "composer" (a composer-installed
    project): the 223 core modules under vendor/magento/module-* and the framework under
    vendor/magento/framework, all listed in installed.json, app/code without Magento/.
    layout "git" (a checkout of magento/magento2): app/code/Magento/* and lib/internal."""
    core = os.path.join(corpus, "magento-core")
    bundled = os.path.join(corpus, "magento-bundled", "vendor")
    code_src = os.path.join(core, "app", "code", "Magento")
    shutil.copytree(os.path.join(bundled, "magento"), os.path.join(out, "vendor", "magento"))
    packages = read_json(os.path.join(bundled, "composer", "installed.json"))["packages"]
    core_modules = []
    if layout == "git":
        shutil.copytree(code_src, os.path.join(out, "app", "code", "Magento"))
        shutil.copytree(os.path.join(core, "lib"), os.path.join(out, "lib"))
        for name in sorted(os.listdir(code_src)):
            core_modules.append((f"Magento_{name}", f"app/code/Magento/{name}"))
    else:
        for name in sorted(os.listdir(code_src)):
            src = os.path.join(code_src, name)
            meta = read_json(os.path.join(src, "composer.json"))
            package = meta["name"]
            rel = "vendor/" + package
            shutil.copytree(src, os.path.join(out, rel))
            packages.append({"name": package, "version": meta.get("version", "100.4.8"),
                             "type": "magento2-module",
                             "install-path": "../" + package,
                             "require": meta.get("require", {}),
                             "autoload": meta.get("autoload", {
                                 "files": ["registration.php"],
                                 "psr-4": {f"Magento\\{name}\\": ""}}),
                             "description": meta.get("description", "N/A"),
                             "license": meta.get("license", ["OSL-3.0", "AFL-3.0"])})
            core_modules.append((f"Magento_{name}", rel))
        fw = os.path.join(core, "lib", "internal", "Magento", "Framework")
        shutil.copytree(fw, os.path.join(out, "vendor", "magento", "framework"))
        packages.append({"name": "magento/framework", "version": "103.0.8-p1",
                         "type": "magento2-library", "install-path": "../magento/framework",
                         "autoload": {"files": ["registration.php"],
                                      "psr-4": {"Magento\\Framework\\": ""}}})
        packages.sort(key=lambda p: p["name"])
    core_dirs = {rel for _, rel in core_modules}
    bundled_modules = []
    for p in packages:
        if p["type"] != "magento2-module":
            continue
        d = os.path.normpath(os.path.join("vendor", "composer", p["install-path"]))
        if d in core_dirs:
            continue
        name = registered_name(os.path.join(out, d, "registration.php"))
        bundled_modules.append((name or p["name"], d))
    w.counts["corpus"] = sum(len(fs) for _, _, fs in os.walk(os.path.join(out, "app"))) + sum(
        len(fs) for _, _, fs in os.walk(os.path.join(out, "vendor"))) + sum(
        len(fs) for _, _, fs in os.walk(os.path.join(out, "lib")))
    return core_modules, bundled_modules, packages


def composer_metadata(package, rng):
    """What Composer 2 writes into installed.json besides name, type and install-path (about
    1.5 KB per package, as in a real vendor/composer/installed.json of 2.4.8)."""
    vendor, name = package.split("/", 1)
    ref = "".join(rng.choice("0123456789abcdef") for _ in range(40))
    url = f"https://github.com/{vendor}/{name}"
    requires = {"php": ">=7.4"}
    for _ in range(rng.randint(2, 12)):
        requires[f"{rng.choice(LIB_VENDORS)}/{kebab(camel(rng, 1))}"] = \
            f"^{rng.randint(1, 7)}.{rng.randint(0, 9)}"
    return {
        "version_normalized": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.0",
        "source": {"type": "git", "url": url + ".git", "reference": ref},
        "dist": {"type": "zip", "url": f"https://api.github.com/repos/{vendor}/{name}/zipball/"
                 + ref, "reference": ref, "shasum": ""},
        "require": requires,
        "time": f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00+00:00",
        "installation-source": "dist",
        "notification-url": "https://packagist.org/downloads/",
        "license": [rng.choice(["MIT", "BSD-3-Clause", "Apache-2.0", "OSL-3.0"])],
        "authors": [{"name": f"{camel(rng, 1)} {camel(rng, 1)}",
                     "email": f"{name}@{vendor}.example"}],
        "description": " ".join(rng.choice(WORDS).lower() for _ in range(rng.randint(6, 18))),
        "homepage": url,
        "keywords": [rng.choice(WORDS).lower() for _ in range(rng.randint(0, 6))],
        "support": {"issues": url + "/issues", "source": url + "/tree/main"},
    }


def synthesize_core(rng, w):
    """No corpus: 223 core modules in app/code/Magento and 134 bundled ones in vendor/magento,
    with 72 acl.xml files and about 280 ids, webapi.xml, menus and system configs."""
    fixed = ["Backend", "Sales", "Catalog", "Customer", "Config", "Reports", "Cms",
             "Integration", "Webapi", "Store", "User", "Security", "Authorization"]
    names = set()
    while len(names) < 223 + 134 - len(fixed):
        n = camel(rng, rng.choice([1, 2, 2]))
        if n not in fixed:
            names.add(n)
    names = sorted(names)
    core_names = fixed + names[: 223 - len(fixed)]
    bundled_names = names[223 - len(fixed):]
    owned = {}
    for rid, parent, title, module in SKELETON:
        owned.setdefault(module[len("Magento_"):], []).append((rid, parent, title))
    parent_of = {s[0]: s[1] for s in SKELETON}
    with_acl = set(owned) | set(rng.sample(core_names[len(fixed):], 47))
    with_acl |= set(rng.sample(bundled_names, 17))
    core_modules, bundled_modules, packages = [], [], []

    def one(short, rel, bundled):
        module = f"Magento_{short}"
        package = f"magento/module-{kebab(short)}"
        files = {"registration.php": registration_php(module),
                 "etc/module.xml": module_xml(module, [] if short == "Backend"
                                              else ["Magento_Backend"]),
                 "composer.json": composer_json(package, module, "100.4.8",
                                                ["magento/framework"])}
        if short in with_acl:
            trees = []
            for rid, parent, title in owned.get(short, []):
                # The skeleton ids this module owns, nested under their real ancestors.
                chain, p = [], parent
                while p:
                    chain.append(p)
                    p = parent_of[p]
                trees.append(chain_tree(list(reversed(chain)), [
                    (rid, {"title": title, "translate": "title",
                           "sortOrder": str(rng.randint(1, 9) * 10)}, [])]))
            top, ids = acl_subtree(rng, module, rng.randint(2, 6))
            trees.append(chain_tree(rng.choice(ANCHORS), [top]))
            files["etc/acl.xml"] = acl_xml(merge_roots(trees))
            if rng.random() < 0.35:
                files["etc/webapi.xml"] = webapi_xml(module, [
                    (f"/V1/{snake(short)}/{i}", "GET", [rng.choice(ids)])
                    for i in range(rng.randint(2, 12))])
            if rng.random() < 0.5:
                files["etc/adminhtml/menu.xml"] = menu_xml(module, [
                    (f"{module}::menu_{i}", title_of(rng, short), i * 10,
                     "Magento_Backend::stores", r) for i, r in enumerate(ids[:3])])
            if rng.random() < 0.5:
                files["etc/adminhtml/system.xml"] = system_xml(module, snake(short), ids[0], rng)
        for rel_f, text in files.items():
            w.write(os.path.join(rel, rel_f), text, "modules")
        if bundled:
            bundled_modules.append((module, rel))
            packages.append({"name": package, "type": "magento2-module",
                             "install-path": "../" + rel[len("vendor/"):],
                             "autoload": {"files": ["registration.php"],
                                          "psr-4": {f"Magento\\{short}\\": ""}},
                             "version": "100.4.8"})
        else:
            core_modules.append((module, rel))

    for short in core_names:
        one(short, f"app/code/Magento/{short}", False)
    for short in bundled_names:
        one(short, f"vendor/magento/module-{kebab(short)}", True)
    return core_modules, bundled_modules, packages


# ---- bulk: packages that are not modules -------------------------------------------------------

LIB_VENDORS = ["symfony", "laminas", "guzzlehttp", "monolog", "phpunit", "sebastian", "doctrine",
               "league", "psr", "colinmollenhour", "composer", "webonyx", "elasticsearch",
               "opensearch-project", "pelago", "tedivm", "wikimedia", "phpseclib", "ramsey",
               "brick", "nikic", "paragonie", "magento"]
LIB_TYPES = ["library"] * 12 + ["composer-plugin", "metapackage", "magento2-library",
                                "magento2-theme", "magento2-language", "magento2-component"]


def bulk_package(seed, j, w, files_target):
    """One non-module package with about `files_target` files in deep folders."""
    rng = random.Random(f"{seed}/bulk/{j}")
    vendor = LIB_VENDORS[j % len(LIB_VENDORS)]
    name = f"{kebab(camel(rng, rng.choice([1, 2])))}-{j}"
    ptype = rng.choice(LIB_TYPES)
    base = f"vendor/{vendor}/{name}"
    ns = f"{vendor.capitalize().replace('-', '')}\\{camel(rng)}"
    written = 0
    # Deep namespaces, like src/Component/Http/Message/Stream/...
    dirs = [["src"]]
    while written < files_target:
        d = rng.choice(dirs)
        if len(d) < 8 and rng.random() < 0.3:
            d = d + [camel(rng, 1)]
            dirs.append(d)
        r = rng.random()
        stem = f"{camel(rng)}{written}"
        if r < 0.7:
            rel = "/".join(d) + f"/{stem}.php"
            text = php_class(ns + "\\" + "\\".join(d[1:]) if len(d) > 1 else ns, stem, rng)
        elif r < 0.8:
            rel = "/".join(["resources", "js"] + d[1:]) + f"/{snake(stem)}.js"
            text = js_file(rng)
        elif r < 0.86:
            rel = "/".join(["resources", "css"] + d[1:]) + f"/{snake(stem)}.css"
            text = "".join(f".{snake(stem)}-{i} {{ margin: {i}px; color: #{i * 7 % 999:03}; }}\n"
                           for i in range(rng.randint(3, 30)))
        elif r < 0.94:
            rel = "/".join(["docs"] + d[1:] + ["guide"]) + f"/{snake(stem)}.md"
            text = f"# {stem}\n\n" + " ".join(rng.choice(WORDS) for _ in range(
                rng.randint(40, 300))) + "\n"
        else:
            rel = "/".join(["tests"] + d[1:]) + f"/{stem}Test.php"
            text = php_class(ns + "\\Tests", stem + "Test", rng)
        w.write(f"{base}/{rel}", text, "bulk")
        written += 1
    w.write(f"{base}/composer.json", json.dumps({"name": f"{vendor}/{name}", "type": ptype},
                                                indent=4) + "\n", "bulk")
    written += 1
    if j % 97 == 5:
        # A trap: module-looking fixtures inside a package that is not a module. The index must
        # not pick them up (they are not magento2-module packages in installed.json).
        tdir = f"{base}/tests/_files/Trap/Fixture{j}"
        mod = f"Trap_Fixture{j}"
        w.write(f"{tdir}/registration.php", registration_php(mod), "bulk")
        w.write(f"{tdir}/etc/module.xml", module_xml(mod, []), "bulk")
        w.write(f"{tdir}/etc/acl.xml", acl_xml(chain_tree(["Magento_Backend::admin"], [
            (f"{mod}::trap", {"title": "Trap resource"}, [])])), "bulk")
        written += 3
    return {"name": f"{vendor}/{name}", "type": ptype, "install-path": f"../{vendor}/{name}",
            "version": f"{rng.randint(1, 7)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"}, written


# ---- main ------------------------------------------------------------------------------------


def count_files(path):
    return sum(len(fs) for _, _, fs in os.walk(path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS,
                    help="the shared corpus folder (default: %(default)s)")
    ap.add_argument("--no-corpus", action="store_true", help="generate the Magento modules too")
    ap.add_argument("--bulk-scale", type=int, default=None,
                    help="multiplier of the non-configuration bulk (default: min(scale, 10))")
    ap.add_argument("--layout", choices=["composer", "git"], default="composer",
                    help="where the corpus's core modules go: vendor/magento/module-* listed in "
                    "installed.json, as a composer install has them (default), or "
                    "app/code/Magento/* as in a git checkout")
    ap.add_argument("--force", action="store_true", help="rebuild even if OUT is up to date")
    args = ap.parse_args()
    if args.scale < 1:
        ap.error("--scale must be at least 1")
    bulk_scale = args.bulk_scale if args.bulk_scale is not None else min(args.scale, 10)
    use_corpus = not args.no_corpus and os.path.isdir(
        os.path.join(args.corpus, "magento-core", "app", "code", "Magento"))
    out = os.path.abspath(args.out)
    params = {"generator_version": GENERATOR_VERSION, "scale": args.scale, "seed": args.seed,
              "bulk_scale": bulk_scale, "corpus": use_corpus, "layout": args.layout}
    manifest_path = os.path.join(out, ".mil-bench.json")
    if not args.force and os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            old = json.load(f)
        if all(old.get(k) == v for k, v in params.items()):
            print(f"{out}: up to date (scale {args.scale})", file=sys.stderr)
            return
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    w = Writer(out)
    rng = random.Random(f"{args.seed}/base")

    # The Magento root: app/etc/di.xml and a project composer.json.
    w.write("app/etc/di.xml", XML_HEAD + '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
            'instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:ObjectManager/etc/'
            'config.xsd">\n    <preference for="Psr\\Log\\LoggerInterface" '
            'type="Magento\\Framework\\Logger\\LoggerProxy"/>\n</config>\n', "root")
    w.write("composer.json", json.dumps({
        "name": "magento/project-community-edition", "type": "project",
        "require": {"magento/product-community-edition": "2.4.8-p1"}}, indent=4) + "\n", "root")

    if use_corpus:
        core_modules, bundled_modules, packages = copy_corpus(args.corpus, out, w, args.layout)
    else:
        core_modules, bundled_modules, packages = synthesize_core(rng, w)
    ids_for_refs = [s[0] for s in SKELETON if s[0] != "Magento_Backend::all"]

    # In-module content the index reads (Setup scripts) or skips (everything else).
    for module, rel in core_modules + bundled_modules:
        mrng = random.Random(f"{args.seed}/core/{module}")
        files = setup_files(module, mrng, mrng.choice([0, 1, 2, 3, 4, 6, 8]), [])
        files.update(module_bulk(module, mrng, mrng.randint(6, 24)))
        for rel_f, text in files.items():
            w.write(os.path.join(rel, rel_f), text, "module-extra")

    # Third-party modules in app/code with integration configuration (the probe among them).
    for rel_f, text in probe_module(random.Random(f"{args.seed}/probe")).items():
        w.write(os.path.join(PROBE_DIR, rel_f), text, "thirdparty")
    app_vendors = []
    for k in range(5):
        trng = random.Random(f"{args.seed}/app/{k}")
        vendor, name = vendor_name(trng), camel(trng)
        module = f"{vendor}_{name}"
        kind = "current" if k < 3 else "legacy"
        files, _ = synthetic_module(trng, module, f"{vendor.lower()}/module-{kebab(name)}", kind,
                                    ids_for_refs)
        for rel_f, text in files.items():
            w.write(f"app/code/{vendor}/{name}/{rel_f}", text, "thirdparty")
        app_vendors.append(module)

    # Scale: generated modules in vendor/, registered in installed.json.
    extra = BASE_MODULES * (args.scale - 1)
    synthetic_ids = 0
    names_seen = set()
    for i in range(extra):
        mrng = random.Random(f"{args.seed}/module/{i}")
        vendor = vendor_name(mrng)
        name = camel(mrng) + ("" if mrng.random() < 0.5 else str(i))
        if (vendor, name) in names_seen:
            name += f"X{i}"
        names_seen.add((vendor, name))
        module = f"{vendor}_{name}"
        package = f"{vendor.lower()}/module-{kebab(name)}"
        r = mrng.random()
        kind = "current" if r < 0.018 else ("legacy" if r < 0.022 else None)
        files, own = synthetic_module(mrng, module, package, kind, ids_for_refs,
                                      bulk_scale / args.scale)
        synthetic_ids += len(own)
        rel = f"vendor/{vendor.lower()}/module-{kebab(name)}"
        for rel_f, text in files.items():
            w.write(f"{rel}/{rel_f}", text, "scaled")
        packages.append({"name": package, "type": "magento2-module",
                         "install-path": f"../{vendor.lower()}/module-{kebab(name)}",
                         "autoload": {"files": ["registration.php"],
                                      "psr-4": {f"{vendor}\\{name}\\": ""}},
                         "version": "1.0.0"})

    # Bulk until vendor/ (without the scaled modules) has VENDOR_FILES * bulk_scale files.
    vendor_now = count_files(os.path.join(out, "vendor")) - w.counts.get("scaled", 0)
    target = VENDOR_FILES * bulk_scale - vendor_now - 1  # installed.json is the last one
    j = 0
    while target > 0:
        pkg, n = bulk_package(args.seed, j, w, min(target, random.Random(
            f"{args.seed}/size/{j}").randint(80, 420)))
        packages.append(pkg)
        target -= n
        j += 1
    for pkg in packages:
        meta = composer_metadata(pkg["name"], random.Random(f"{args.seed}/meta/{pkg['name']}"))
        for k, v in meta.items():
            pkg.setdefault(k, v)
    w.write("vendor/composer/installed.json", json.dumps(
        {"packages": packages, "dev": True, "dev-package-names": []}, indent=4) + "\n", "root")

    kinds = {}
    for d, _, fs in os.walk(out):
        for f in fs:
            rel = os.path.relpath(os.path.join(d, f), out)
            for key, suffix in (("acl.xml", "etc/acl.xml"), ("integration.xml",
                                                              "etc/integration.xml"),
                                ("integration/config.xml", "etc/integration/config.xml"),
                                ("webapi.xml", "etc/webapi.xml"), ("module.xml", "etc/module.xml")):
                if rel.endswith(suffix):
                    kinds[key] = kinds.get(key, 0) + 1
    manifest = dict(params)
    manifest.update({
        "modules": len(core_modules) + len(bundled_modules) + 1 + len(app_vendors) + extra,
        "files": count_files(out) + 1,
        "vendor_files": count_files(os.path.join(out, "vendor")),
        "bulk_packages": j,
        "files_by_kind": kinds,
        "written": w.counts,
        "probe": {
            "module": PROBE_MODULE,
            "integration": os.path.join(out, PROBE_DIR, "etc/integration.xml"),
            "acl": os.path.join(out, PROBE_DIR, "etc/acl.xml"),
            "webapi": os.path.join(out, PROBE_DIR, "etc/webapi.xml"),
            "module_xml": os.path.join(out, PROBE_DIR, "etc/module.xml"),
        },
    })
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{out}: scale {args.scale}, {manifest['modules']} modules, {manifest['files']} files "
          f"({manifest['vendor_files']} in vendor/), corpus={'yes' if use_corpus else 'no'}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
