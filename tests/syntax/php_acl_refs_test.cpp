#include "mil/syntax/php.hpp"

#include <catch2/catch.hpp>

#include "cursor.hpp"

#include <string>
#include <string_view>

using namespace mil;
using mil::test::slice;

TEST_CASE("acl references: ADMIN_RESOURCE of any visibility and isAllowed strings") {
    std::string_view text = R"(<?php
namespace Vendor\Module\Controller\Adminhtml\Thing;

class Index extends \Magento\Backend\App\Action
{
    public const ADMIN_RESOURCE = 'Vendor_Module::thing';

    protected function _isAllowed()
    {
        // return $this->_authorization->isAllowed('Vendor_Module::commented');
        return $this->_authorization->isAllowed("Vendor_Module::other")
            && $this->_authorization->isAllowed(static::ADMIN_RESOURCE);
    }
}

class Save extends \Magento\Backend\App\Action
{
    const ADMIN_RESOURCE = 'Vendor_Module::save';
    private $x = ['isAllowed' => 'not a call'];
}
)";
    auto refs = find_php_acl_references(text);
    REQUIRE(refs.size() == 3);
    CHECK(refs[0].kind == PhpAclRefKind::AdminResource);
    CHECK(refs[0].id == "Vendor_Module::thing");
    CHECK(slice(text, refs[0].range) == "Vendor_Module::thing");
    CHECK(refs[1].kind == PhpAclRefKind::IsAllowed);
    CHECK(refs[1].id == "Vendor_Module::other");
    CHECK(slice(text, refs[1].range) == "Vendor_Module::other");
    CHECK(refs[2].kind == PhpAclRefKind::AdminResource);
    CHECK(refs[2].id == "Vendor_Module::save");
}

TEST_CASE("acl references: _isAllowed with a string and dynamic arguments") {
    std::string_view text = R"(<?php
class A {
    protected const ADMIN_RESOURCE = self::BASE . '::sub';
    const BASE = 'Vendor_Module';
    function run() {
        $this->_isAllowed('Vendor_Module::direct');
        $this->auth->isAllowed($resource);
        $this->auth->isAllowed("Vendor_Module::$dynamic");
        $this->auth->isAllowed(
            'Vendor_Module::multi_line'
        );
    }
    public function isAllowed($resource) { return true; }
}
)";
    auto refs = find_php_acl_references(text);
    REQUIRE(refs.size() == 3);
    CHECK(refs[0].kind == PhpAclRefKind::AdminResource);
    CHECK(refs[0].id == "Vendor_Module::sub");
    CHECK(slice(text, refs[0].range) == "self::BASE . '::sub'");
    CHECK(refs[1].id == "Vendor_Module::direct");
    CHECK(refs[2].id == "Vendor_Module::multi_line");
    CHECK(slice(text, refs[2].range) == "Vendor_Module::multi_line");
}

TEST_CASE("acl references: nothing in files without them") {
    CHECK(find_php_acl_references("<?php echo 'isAllowed(\"X::y\")';").empty());
    CHECK(find_php_acl_references("").empty());
    CHECK(find_php_acl_references("const ADMIN_RESOURCE = 'Not_Php::x';").empty());
}
