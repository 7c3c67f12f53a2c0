<#import "template.ftl" as layout>
<#-- Step 1 of creating an app password: its name and what the policy lets the user choose. Uses only
     template.ftl and theme properties, so it renders in any login theme that extends the stock ones. The
     markup follows the login theme's own fields (keycloak.v2's field.ftl: PatternFly 5 wraps each control
     in its form-control span); a theme without kcFormControlToggleIcon (the older "keycloak" theme) gets
     the class on the control itself, as its own pages do. -->
<#assign wrapped = (properties.kcFormControlToggleIcon!'')?has_content>

<#-- The label row of a form group; "for" names the control, or omit it for a group of controls. -->
<#macro groupLabel id text for="">
    <div class="${properties.kcFormGroupLabelClass!properties.kcLabelWrapperClass!}">
        <#if for?has_content>
            <label id="${id}" for="${for}" class="${properties.kcFormLabelClass!properties.kcLabelClass!}"><span class="${properties.kcFormLabelTextClass!}">${text}</span></label>
        <#else>
            <span id="${id}" class="${properties.kcFormLabelClass!properties.kcLabelClass!}"><span class="${properties.kcFormLabelTextClass!}">${text}</span></span>
        </#if>
    </div>
</#macro>

<#-- Help under a control (id for aria-describedby). -->
<#macro helperText id text>
    <div class="${properties.kcFormHelperTextClass!}">
        <div class="${properties.kcInputHelperTextClass!}">
            <div class="${properties.kcInputHelperTextItemClass!}">
                <span id="${id}" class="${properties.kcInputHelperTextItemTextClass!}">${text}</span>
            </div>
        </div>
    </div>
</#macro>

<#-- The error of one form field, read out when it appears; its id is what the field's aria-describedby names. -->
<#macro fieldError field>
    <#if messagesPerField.existsError(field)>
        <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
            <div class="${properties.kcInputHelperTextClass!}">
                <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                    <span id="input-error-${field}" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get(field)}</span>
                </div>
            </div>
        </div>
    </#if>
</#macro>

<#-- aria-describedby of a control: its help and, when there is one, its error. -->
<#function describedBy field help="">
    <#local ids = help>
    <#if messagesPerField.existsError(field)><#local ids = (ids + " input-error-" + field)?trim></#if>
    <#return ids>
</#function>

<#-- A drop-down posted as "name"; the options are the nested content. -->
<#macro selectField id name label>
    <div class="${properties.kcFormGroupClass!}">
        <@groupLabel id=id + "-label" text=label for=id/>
        <#if wrapped><span class="${properties.kcInputClass!}<#if messagesPerField.existsError(name)> ${properties.kcError!}</#if>"></#if>
            <select id="${id}" name="${name}"<#if !wrapped> class="${properties.kcInputClass!}"</#if>
                    aria-invalid="<#if messagesPerField.existsError(name)>true</#if>"
                    <#if describedBy(name)?has_content>aria-describedby="${describedBy(name)}"</#if>>
                <#nested>
            </select>
        <#if wrapped>
            <span class="${properties.kcFormControlUtilClass!}">
                <span class="${properties.kcFormControlToggleIcon!}">
                    <svg class="pf-v5-svg" viewBox="0 0 320 512" fill="currentColor" aria-hidden="true" role="img" width="1em" height="1em">
                        <path d="M31.3 192h257.3c17.8 0 26.7 21.5 14.1 34.1L174.1 354.8c-7.8 7.8-20.5 7.8-28.3 0L17.2 226.1C4.6 213.5 13.5 192 31.3 192z"></path>
                    </svg>
                </span>
            </span>
        </span>
        </#if>
        <@fieldError field=name/>
    </div>
</#macro>

<#-- Checkboxes that all post as "name" (several values), labelled as one group for screen readers.
     choices: maps with "value", "label" and "selected" ("true"/"false"); with "group" and "groupLabel" too,
     neighbours of one group become a sub-group headed by its label. -->
<#macro checkboxGroup id name label help choices>
    <div id="${id}" class="${properties.kcFormGroupClass!}" role="group" aria-labelledby="${id}-label"
         aria-describedby="${describedBy(name, id + '-help')}">
        <@groupLabel id=id + "-label" text=label/>
        <#list choices as choice>
            <#if choice.group?? && (choice?is_first || choices[choice?index - 1].group != choice.group)>
                <div id="${id}-${choice.group}" role="group" aria-labelledby="${id}-${choice.group}-label">
                <span id="${id}-${choice.group}-label" class="${properties.kcFormLabelTextClass!}">${choice.groupLabel}</span>
            </#if>
            <div class="${properties.kcCheckboxClass!properties.kcCheckboxInputClass!}">
                <input type="checkbox" id="${id}-${choice?index}" name="${name}" value="${choice.value}"
                       class="${properties.kcCheckboxInputClass!}"<#if choice.selected == "true"> checked</#if>
                       aria-invalid="<#if messagesPerField.existsError(name)>true</#if>"/>
                <label for="${id}-${choice?index}" class="${properties.kcCheckboxLabelClass!}">${choice.label}</label>
            </div>
            <#if choice.group?? && (choice?is_last || choices[choice?index + 1].group != choice.group)>
                </div>
            </#if>
        </#list>
        <@helperText id=id + "-help" text=help/>
        <@fieldError field=name/>
    </div>
</#macro>

<@layout.registrationLayout displayMessage=!messagesPerField.existsError('name','lifetimeDays','clients','protocols','networks'); section>
    <#if section = "header">
        ${msg("appPasswordCreateTitle")}
    <#elseif section = "form">
        <#if appPasswordDenied??>
            <#-- The policy refuses this user: the message above says why. Where a second factor is what is
                 missing, the realm's ways to set one up; this page comes back afterwards. -->
            <form id="kc-app-password-denied-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <#if appPasswordSetUpChoices?? && appPasswordSetUpChoices?has_content>
                    <p id="app-password-set-up-intro">${msg("appPasswordSetUpThenReturn")}</p>
                </#if>
                <div class="${properties.kcFormGroupClass!}">
                    <div id="kc-form-buttons" class="${properties.kcFormActionGroupClass!properties.kcFormButtonsClass!}">
                        <#if appPasswordSetUpChoices??>
                            <#list appPasswordSetUpChoices as choice>
                                <button type="submit" id="app-password-set-up-${choice.action}" name="setUp" value="${choice.action}"
                                        class="${properties.kcButtonClass!} <#if choice?is_first>${properties.kcButtonPrimaryClass!}<#else>${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!}</#if> ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg(choice.label)}</button>
                            </#list>
                        </#if>
                        <#if isAppInitiatedAction??>
                            <button type="submit" id="app-password-cancel" name="cancel-aia" value="true"
                                    class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("doCancel")}</button>
                        </#if>
                    </div>
                </div>
            </form>
        <#else>
        <p id="app-password-intro">${msg("appPasswordCreateIntro")}</p>
        <form id="kc-app-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <div class="${properties.kcFormGroupClass!}">
                <@groupLabel id="app-password-name-label" text=msg("appPasswordName") for="app-password-name"/>
                <#if wrapped><span class="${properties.kcInputClass!}<#if messagesPerField.existsError('name')> ${properties.kcError!}</#if>"></#if>
                    <input type="text" id="app-password-name" name="name" value="${appPasswordNameValue!''}"
                           <#if !wrapped>class="${properties.kcInputClass!}"</#if> maxlength="64" autocomplete="off" autofocus required
                           placeholder="${msg("appPasswordNamePlaceholder")}"
                           aria-invalid="<#if messagesPerField.existsError('name')>true</#if>"
                           <#if describedBy('name')?has_content>aria-describedby="${describedBy('name')}"</#if>/>
                <#if wrapped></span></#if>
                <@fieldError field="name"/>
            </div>
            <#if appPasswordLifetimes?? && appPasswordLifetimes?has_content>
                <@selectField id="app-password-lifetime" name="lifetimeDays" label=msg("appPasswordLifetime")>
                    <#list appPasswordLifetimes as days>
                        <option value="${days?c}"<#if days == (appPasswordLifetime!0)> selected</#if>><#if days == 0>${msg("appPasswordLifetimeNever")}<#else>${msg("appPasswordLifetimeDays", days?c)}</#if></option>
                    </#list>
                </@selectField>
            </#if>
            <#if appPasswordClientChoices?? && appPasswordClientChoices?has_content>
                <@checkboxGroup id="app-password-clients" name="clients" label=msg("appPasswordRestrictClients")
                        help=msg("appPasswordRestrictClientsHelp") choices=appPasswordClientChoices/>
            </#if>
            <#if appPasswordProtocolChoices?? && appPasswordProtocolChoices?has_content>
                <#-- tells the action the boxes were shown, so that none ticked is refused rather than read as "any" -->
                <input type="hidden" name="protocolsOffered" value="true"/>
                <#-- one list, sorted by what the user syncs (Mail, Calendars, Contacts, Files), each kind a labelled sub-group -->
                <#assign protocolChoices = []>
                <#list appPasswordProtocolChoices as choice>
                    <#assign protocolChoices = protocolChoices + [{"value": choice.id, "group": choice.group, "groupLabel": msg("appPasswordProtocolGroup_" + choice.group), "label": msg("appPasswordProtocol_" + choice.id), "selected": choice.selected}]>
                </#list>
                <@checkboxGroup id="app-password-protocols" name="protocols" label=msg("appPasswordProtocolsChoice")
                        help=msg("appPasswordProtocolsHelp") + " " + msg("appPasswordProtocolsHelpWeb") choices=protocolChoices/>
            </#if>
            <div class="${properties.kcFormGroupClass!}">
                <@groupLabel id="app-password-networks-label" text=msg("appPasswordNetworks") for="app-password-networks"/>
                <#if wrapped><span class="${properties.kcInputClass!}<#if messagesPerField.existsError('networks')> ${properties.kcError!}</#if>"></#if>
                    <input type="text" id="app-password-networks" name="networks" value="${appPasswordNetworksValue!''}"
                           <#if !wrapped>class="${properties.kcInputClass!}"</#if> maxlength="1000" autocomplete="off"
                           spellcheck="false" placeholder="192.0.2.0/24 2001:db8::/32"
                           aria-invalid="<#if messagesPerField.existsError('networks')>true</#if>"
                           aria-describedby="${describedBy('networks', 'app-password-networks-help')}"/>
                <#if wrapped></span></#if>
                <@helperText id="app-password-networks-help" text=msg("appPasswordNetworksHelp")/>
                <@fieldError field="networks"/>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormActionGroupClass!properties.kcFormButtonsClass!}">
                    <button type="submit" id="app-password-submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("appPasswordCreate")}</button>
                    <#if isAppInitiatedAction??>
                        <button type="submit" id="app-password-cancel" name="cancel-aia" value="true"
                                class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("doCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
        </#if>
    </#if>
</@layout.registrationLayout>
